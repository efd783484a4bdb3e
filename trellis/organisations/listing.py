"""What an organisation is listed with: its service types, wards and client groups, for many at once.

A results page, the API's list and the exports show these three for every organisation. Django's prefetching
would take three queries and build a related manager for each organisation and relation; ``Organisation.listing``
reads all three for a whole page in one query instead (``prefetch_related("listing")``, done by
``selectors.with_listing_data``). Measured in benchmarks/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, cast

from django.db import connection
from django.db.models import ManyToManyField, Model
from django.utils.functional import cached_property


@dataclass
class Labels:
    organisation_id: int
    service_types: list[Any] = field(default_factory=list)
    wards: list[Any] = field(default_factory=list)
    client_groups: list[Any] = field(default_factory=list)


#: The organisation's many-to-many fields a list shows, in the order ``Labels`` holds them.
LISTED = ("service_types", "wards", "client_groups")


def labels_for(model: type[Model], organisation_ids: Iterable[int]) -> dict[int, Labels]:
    """Each organisation's service types (in vocabulary order), wards (by name) and client groups, in one query.

    ``model`` is the organisation model: its through tables and vocabularies are taken from its ``_meta``, so this
    module needs no import of the models (which import it).
    """
    ids = sorted({int(i) for i in organisation_ids})
    found: dict[int, Labels] = {}
    if not ids:
        return found
    marks = ", ".join(["%s"] * len(ids))
    parts, params = [], []
    vocabularies: list[Any] = []
    for kind, field_name in enumerate(LISTED):
        relation = model._meta.get_field(field_name)
        assert isinstance(relation, ManyToManyField)
        vocabulary = cast(type[Model], relation.related_model)
        vocabularies.append(vocabulary)
        through = cast(type[Model], relation.remote_field.through)._meta.db_table
        v = vocabulary._meta.db_table
        if field_name == "wards":
            columns = "v.id, v.place_id, v.gss_code, v.name, 0"
        else:
            columns = "NULL, NULL, v.code, v.name, v.sort_order"
        parts.append(
            f"SELECT {kind}, t.{relation.m2m_column_name()}, {columns} FROM {through} t "  # noqa: S608 - names from _meta
            f"JOIN {v} v ON v.{vocabulary._meta.pk.column} = t.{relation.m2m_reverse_name()} "
            f"WHERE t.{relation.m2m_column_name()} IN ({marks})"
        )
        params += ids
    sql = " UNION ALL ".join(parts) + " ORDER BY 1, 2, 7, 6"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    service_type, ward, client_group = vocabularies
    for kind, org_id, ward_id, place_id, code, name, sort_order in rows:
        labels = found.setdefault(org_id, Labels(org_id))
        if kind == 0:
            labels.service_types.append(service_type(code=code, name=name, sort_order=sort_order))
        elif kind == 1:
            labels.wards.append(ward(id=ward_id, place_id=place_id, gss_code=code, name=name))
        else:
            labels.client_groups.append(client_group(code=code, name=name, sort_order=sort_order))
    return found


def _read(organisation) -> Labels:
    return labels_for(type(organisation), [organisation.pk]).get(organisation.pk) or Labels(organisation.pk)


class ListingLabels(cached_property):
    """``organisation.listing``: its Labels, read for a whole page by ``prefetch_related("listing")``.

    Read without prefetching, it runs one query for that organisation and keeps the answer. A cached property
    that also speaks Django's prefetch protocol (``get_prefetch_querysets``), so prefetching works with pagination
    and with ``iterator(chunk_size=…)``.
    """

    def __init__(self) -> None:
        super().__init__(_read)

    def is_cached(self, instance) -> bool:
        """Whether this organisation's labels are already read (asked by Django's prefetching)."""
        return "listing" in instance.__dict__

    def get_prefetch_querysets(self, instances, querysets=None):
        found = labels_for(type(instances[0]), (o.pk for o in instances))
        every = [found.get(o.pk) or Labels(o.pk) for o in instances]
        return every, attrgetter("organisation_id"), attrgetter("pk"), True, "listing", True
