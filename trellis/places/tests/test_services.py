"""Setting up a place and its wards (`place_upsert`): created once, updated in place, bad codes refused whole."""

import re

import pytest

from trellis.core.errors import ValidationFailed
from trellis.core.models import AuditEvent
from trellis.places import services
from trellis.places.models import Place, Ward

pytestmark = pytest.mark.django_db

WARDS = [
    {"gss_code": "E05011101", "name": "Castlegate", "description": "The town centre"},
    {"gss_code": "E05011102", "name": "Mill Hill"},
]


def _upsert(**changes):
    fields = {
        "actor": None,
        "name": "Kirkhaven",
        "gss_code": "E08000099",
        "authority_name": "Kirkhaven Metropolitan Borough Council",
        "wards": WARDS,
        "population": 214_000,
    }
    return services.place_upsert(**{**fields, **changes})


def test_a_place_and_its_wards_are_created_once_and_updated_in_place():
    place = _upsert()
    assert place.slug == "kirkhaven" and place.population == 214_000
    assert list(place.wards.order_by("gss_code").values_list("name", "description")) == [
        ("Castlegate", "The town centre"),
        ("Mill Hill", ""),
    ]
    again = _upsert(
        authority_name="Kirkhaven Council",
        wards=[{"gss_code": "E05011102", "name": "Mill Hill and Brook"}],
        population=215_500,
    )
    assert again.pk == place.pk and Place.objects.count() == 1
    assert (again.authority_name, again.population, again.slug) == ("Kirkhaven Council", 215_500, "kirkhaven")
    assert Ward.objects.get(gss_code="E05011102").name == "Mill Hill and Brook"
    assert Ward.objects.count() == 2
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == ["place.created"]  # an update is not a creation


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"gss_code": "E0800009"}, "A GSS code is a letter (E, W, S or N) and 8 digits"),
        ({"wards": [{"gss_code": "X05011101", "name": "Castlegate"}]}, "Ward Castlegate: A GSS code is a letter"),
        ({"wards": [*WARDS, {"gss_code": "E05011103", "name": ""}]}, "Ward : This field cannot be blank."),
    ],
)
def test_a_bad_code_or_name_is_refused_and_nothing_is_kept(changes, message):
    with pytest.raises(ValidationFailed, match=re.escape(message)):
        _upsert(**changes)
    assert not Place.objects.exists() and not Ward.objects.exists() and not AuditEvent.objects.exists()
