"""Place and ward reads."""

from __future__ import annotations

from django.db.models import QuerySet

from trellis.core.errors import NotFound
from trellis.places.models import Place, Ward


def default_place() -> Place | None:
    return Place.objects.order_by("pk").first()


def place_get(*, slug: str) -> Place:
    place = Place.objects.filter(slug=slug).first()
    if place is None:
        raise NotFound("No such place")
    return place


def wards(place: Place | None = None) -> QuerySet[Ward]:
    qs = Ward.objects.select_related("place")
    return qs.filter(place=place) if place is not None else qs
