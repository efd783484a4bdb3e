"""Route advisor reads: cost assumptions, decision records, and what the directory knows about capable providers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from trellis.core.errors import NotFound
from trellis.organisations import selectors as directory
from trellis.organisations.domain.sizes import IncomeBand
from trellis.places.models import Place
from trellis.routes import permissions as perms
from trellis.routes.domain import DEFAULT_COST_ASSUMPTIONS, CostAssumptions
from trellis.routes.models import CostAssumption, RouteDecision

#: Size bands counted as small (NCVO: micro under £10k, small under £100k a year).
SMALL_BANDS = (IncomeBand.MICRO.value, IncomeBand.SMALL.value)
#: Providers are voluntary, community and social enterprise or private organisations; public bodies are the buyers.
PROVIDER_SECTORS = ["vcse", "private"]


# Cost assumptions ---------------------------------------------------------------------------------


def cost_assumption_rows() -> QuerySet[CostAssumption]:
    return CostAssumption.objects.order_by("key")


def _known_keys() -> set[str]:
    return {row.key for row in DEFAULT_COST_ASSUMPTIONS.rows()}


def cost_assumptions(overrides: dict[str, Any] | None = None) -> CostAssumptions:
    """The engine's defaults with the table's values (and any ``overrides``) over them.

    A key missing from the table (an empty database, or a key added to the engine since) keeps its
    default, so the advice never fails for want of a row; a key the engine no longer uses is ignored."""
    known = _known_keys()
    values = {key: value for key, value in CostAssumption.objects.values_list("key", "value") if key in known}
    values.update(overrides or {})
    return CostAssumptions.from_rows(values) if values else DEFAULT_COST_ASSUMPTIONS


def cost_assumptions_snapshot(assumptions: CostAssumptions | None = None) -> list[dict[str, str]]:
    """The assumptions as they are now, JSON-ready, to keep with a decision: each value with the
    assumption and source as stated in the table (the engine's wording where the table has no row)."""
    stated = {row.key: row for row in CostAssumption.objects.all()}
    snapshot = []
    for row in (assumptions or cost_assumptions()).rows():
        own = stated.get(row.key)
        snapshot.append(
            {
                "key": row.key,
                "value": format(row.value.normalize(), "f"),
                "unit": row.unit,
                "assumption": own.assumption if own else row.assumption,
                "source": own.source if own else row.source,
            }
        )
    return snapshot


# Decisions ----------------------------------------------------------------------------------------


def places() -> QuerySet[Place]:
    return Place.objects.order_by("pk")


def decisions_for_place(*, actor, place: Place) -> QuerySet[RouteDecision]:
    """Every decision for a place, newest first; nothing for someone who may not read them."""
    if not perms.can_view_decision(actor):
        return RouteDecision.objects.none()
    return (
        RouteDecision.objects.filter(place=place)
        .select_related("decided_by", "place", "supersedes")
        .prefetch_related("superseded_by")
        .order_by("-decided_at", "-id")
    )


def route_decision_get_for(*, actor, public_id) -> RouteDecision:
    """The one door to a decision record; missing and forbidden look the same (404)."""
    decision = (
        RouteDecision.objects.select_related("decided_by", "place", "supersedes", "supersedes__decided_by")
        .filter(public_id=public_id)
        .first()
    )
    if decision is None or not perms.can_view_decision(actor, decision):
        raise NotFound("No decision here")
    return decision


def superseding(decision: RouteDecision) -> RouteDecision | None:
    """The record that replaced this one, if any."""
    return RouteDecision.objects.select_related("decided_by").filter(supersedes=decision).first()


# Capable providers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapableProviders:
    """How many organisations in the directory offer the services in the wards, and how many are small or local."""

    service_types: list[str] = field(default_factory=list)
    wards: list[str] = field(default_factory=list)
    total: int = 0
    small: int = 0
    local: int = 0
    small_or_local: int = 0

    @property
    def searched(self) -> bool:
        return bool(self.service_types)

    def directory_query(self) -> list[tuple[str, str]]:
        """The same search as directory page parameters."""
        return [("service_type", code) for code in self.service_types] + [("ward", code) for code in self.wards]


def capable_providers(*, service_types: Iterable[str], wards: Iterable[str]) -> CapableProviders:
    """Count the directory's providers of any of the services that work in any of the wards (or borough-wide).

    With no service chosen nothing is counted: every organisation is not a capable provider of everything."""
    service_types, wards = sorted(set(service_types)), sorted(set(wards))
    if not service_types:
        return CapableProviders(wards=wards)
    found = directory.search(
        directory.DirectoryFilters(
            service_types=service_types, wards=wards, sectors=PROVIDER_SECTORS, include_consortia=False
        )
    )
    small = Q(income_band__in=SMALL_BANDS)
    local = Q(registered_office_in_place=True)
    return CapableProviders(
        service_types=service_types,
        wards=wards,
        total=found.count(),
        small=found.filter(small).count(),
        local=found.filter(local).count(),
        small_or_local=found.filter(small | local).count(),
    )
