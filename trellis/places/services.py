"""Place use cases: set up a place and its wards (demo load, admin)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from trellis.core.errors import ValidationFailed
from trellis.core.services import audit_record
from trellis.places.models import Place, Ward


@transaction.atomic
def place_upsert(*, actor, name: str, gss_code: str, authority_name: str, wards: list[dict], **details) -> Place:
    """Create or update a place (by GSS code) and its wards (by GSS code). Idempotent."""
    place = Place.objects.filter(gss_code=gss_code).first() or Place(gss_code=gss_code)
    place.name, place.authority_name = name, authority_name
    place.slug = place.slug or slugify(name)
    for key in ("authority_org_id", "region", "population", "description"):
        if key in details:
            setattr(place, key, details[key])
    try:
        place.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(str(exc.messages[0]), errors=exc.message_dict) from exc
    created = place.pk is None
    place.save()
    for w in wards:
        ward = Ward.objects.filter(gss_code=w["gss_code"]).first() or Ward(gss_code=w["gss_code"], place=place)
        ward.name, ward.description = w["name"], w.get("description", "")
        try:
            ward.full_clean()
        except ValidationError as exc:
            raise ValidationFailed(f"Ward {w.get('name')}: {exc.messages[0]}", errors=exc.message_dict) from exc
        ward.save()
    if created:
        audit_record(actor=actor, verb="place.created", target=place, data={"gss_code": gss_code})
    return place
