"""Suggesting partners for a partner request — pure.

The idea comes from the sector's own advice on consortium delivery (seed 003): work with partners
who add value and with whom you are not competing, keep delivery local, and pair small specialist
organisations with larger ones that have the capacity to hold a contract. Portsmouth's E-business
builder did the same for large and small suppliers (seed 002, §3.8).

Each candidate gets a score out of 100 made of five parts, each with a plain-English reason:

* services (up to 45): services the request asks for that the candidate offers (15 each when the
  seeker lacks them, 10 when it has some already), services next to those (5 each); when the request
  names no services, services next to the seeker's own (5 each) and services both offer (3 each);
* wards (up to 25): 5 for each ward of the area the candidate also works in (a borough-wide
  candidate works in all of them);
* client groups (up to 15): 5 for each client group both serve;
* size mix (10): a small organisation paired with a medium or larger one, or the other way round;
* locality (5): the candidate's registered office is in the place.

A candidate with nothing in common on services, wards or client groups is left out, as is the seeker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from trellis.organisations.domain.sizes import BAND_INFO, IncomeBand

REQUESTED_SERVICE_POINTS = 15
REQUESTED_HELD_SERVICE_POINTS = 10
ADJACENT_SERVICE_POINTS = 5
SHARED_SERVICE_POINTS = 3
SERVICE_CAP = 45
WARD_POINTS = 5
WARD_CAP = 25
CLIENT_GROUP_POINTS = 5
CLIENT_GROUP_CAP = 15
SIZE_MIX_POINTS = 10
LOCAL_POINTS = 5
MAX_SCORE = SERVICE_CAP + WARD_CAP + CLIENT_GROUP_CAP + SIZE_MIX_POINTS + LOCAL_POINTS

SMALL_BANDS = frozenset({IncomeBand.MICRO, IncomeBand.SMALL})
LARGER_BANDS = frozenset({IncomeBand.MEDIUM, IncomeBand.LARGE, IncomeBand.MAJOR})

#: Service types that often go together in one offer to residents (pairs, read both ways).
_ADJACENT_PAIRS: tuple[tuple[str, str], ...] = (
    ("food_support", "advice_guidance"),
    ("food_support", "health_wellbeing"),
    ("food_support", "older_people_services"),
    ("advice_guidance", "legal_advocacy"),
    ("advice_guidance", "homelessness_housing"),
    ("advice_guidance", "employment_skills"),
    ("advice_guidance", "digital_inclusion"),
    ("advice_guidance", "refugee_migrant_support"),
    ("befriending", "older_people_services"),
    ("befriending", "counselling_mental_health"),
    ("befriending", "carers_support"),
    ("befriending", "community_transport"),
    ("befriending", "volunteering_infrastructure"),
    ("carers_support", "social_care_home_support"),
    ("carers_support", "disability_support"),
    ("carers_support", "counselling_mental_health"),
    ("children_early_years", "youth_work"),
    ("children_early_years", "education_training"),
    ("youth_work", "sport_physical_activity"),
    ("youth_work", "education_training"),
    ("youth_work", "arts_culture"),
    ("youth_work", "counselling_mental_health"),
    ("community_development", "volunteering_infrastructure"),
    ("community_development", "environment_green_spaces"),
    ("community_development", "arts_culture"),
    ("community_transport", "older_people_services"),
    ("community_transport", "disability_support"),
    ("counselling_mental_health", "health_wellbeing"),
    ("counselling_mental_health", "drug_alcohol"),
    ("counselling_mental_health", "domestic_abuse"),
    ("digital_inclusion", "education_training"),
    ("digital_inclusion", "employment_skills"),
    ("digital_inclusion", "older_people_services"),
    ("disability_support", "social_care_home_support"),
    ("domestic_abuse", "homelessness_housing"),
    ("domestic_abuse", "legal_advocacy"),
    ("drug_alcohol", "homelessness_housing"),
    ("drug_alcohol", "health_wellbeing"),
    ("education_training", "employment_skills"),
    ("education_training", "refugee_migrant_support"),
    ("environment_green_spaces", "health_wellbeing"),
    ("environment_green_spaces", "sport_physical_activity"),
    ("health_wellbeing", "sport_physical_activity"),
    ("health_wellbeing", "older_people_services"),
    ("health_wellbeing", "social_care_home_support"),
    ("health_wellbeing", "arts_culture"),
    ("homelessness_housing", "legal_advocacy"),
    ("older_people_services", "social_care_home_support"),
    ("refugee_migrant_support", "legal_advocacy"),
)


def _adjacency(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for a, b in pairs:
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in table.items()}


ADJACENT_SERVICES: dict[str, frozenset[str]] = _adjacency(_ADJACENT_PAIRS)


def adjacent_to(codes: Iterable[str]) -> frozenset[str]:
    """Service types next to any of these (not including the codes themselves)."""
    codes = frozenset(codes)
    return frozenset(a for c in codes for a in ADJACENT_SERVICES.get(c, ())) - codes


@dataclass(frozen=True)
class OrgProfile:
    """What matching needs to know about an organisation: codes only, no database objects."""

    id: int
    service_types: frozenset[str] = frozenset()
    client_groups: frozenset[str] = frozenset()
    wards: frozenset[str] = frozenset()  # ward GSS codes
    borough_wide: bool = False
    income_band: IncomeBand = IncomeBand.UNKNOWN
    local: bool = False  # registered office in the place


@dataclass(frozen=True)
class Need:
    """What the partner request asks for. Empty sets fall back to the seeker's own profile."""

    service_types: frozenset[str] = frozenset()
    client_groups: frozenset[str] = frozenset()
    wards: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Labels:
    """Names to use in reasons; a code without a name is shown as it is."""

    service_types: Mapping[str, str] = field(default_factory=dict)
    client_groups: Mapping[str, str] = field(default_factory=dict)
    wards: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    candidate_id: int
    score: int
    reasons: tuple[str, ...]


def _names(codes: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    return sorted((labels.get(c, c) for c in codes), key=str.lower)


def _listing(names: list[str], limit: int = 4) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c, d and 2 more'. Names that hold an 'and' of their own
    ('Advice and guidance') are set apart with semicolons, so the list still reads clearly."""
    rest = len(names) - limit if len(names) > limit else 0
    shown = names[:limit]
    if len(shown) <= 1 and not rest:
        return "".join(shown)
    if any(" and " in name for name in shown):
        return "; ".join(shown) + (f"; and {rest} more" if rest else "")
    if rest:
        return f"{', '.join(shown)} and {rest} more"
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def _services(seeker: OrgProfile, need: Need, cand: OrgProfile, labels: Labels) -> tuple[int, list[str], bool]:
    """Points, reasons, and whether anything about services is in common."""
    names = labels.service_types
    wanted = need.service_types
    if wanted:
        # What the request asks for counts most when the seeker lacks it; it still counts when the
        # seeker lists it too, because asking says it needs more of it.
        requested_missing = cand.service_types & (wanted - seeker.service_types)
        requested_held = cand.service_types & wanted & seeker.service_types
        adjacent = (cand.service_types & adjacent_to(wanted)) - seeker.service_types - wanted
        shared: frozenset[str] = frozenset()
    else:
        requested_missing = requested_held = frozenset()
        adjacent = (cand.service_types & adjacent_to(seeker.service_types)) - seeker.service_types
        shared = cand.service_types & seeker.service_types
    points = (
        REQUESTED_SERVICE_POINTS * len(requested_missing)
        + REQUESTED_HELD_SERVICE_POINTS * len(requested_held)
        + ADJACENT_SERVICE_POINTS * len(adjacent)
        + SHARED_SERVICE_POINTS * len(shared)
    )
    reasons = []
    if requested_missing or requested_held:
        offered = _names(requested_missing, names) + _names(requested_held, names)
        reasons.append(f"Offers {_listing(offered)}, which the request asks for")
    if adjacent:
        reasons.append(f"Offers related services you do not: {_listing(_names(adjacent, names))}")
    if shared:
        reasons.append(f"Also provides {_listing(_names(shared, names))}, so could add capacity")
    return min(points, SERVICE_CAP), reasons, bool(points)


def _wards(seeker: OrgProfile, need: Need, cand: OrgProfile, labels: Labels) -> tuple[int, list[str]]:
    whole_place = not need.wards and seeker.borough_wide
    area = need.wards or seeker.wards
    if cand.borough_wide and whole_place:
        return WARD_CAP, ["Works across the whole borough, as you do"]
    if cand.borough_wide and area:
        reason = "Works across the whole borough, including every ward you named"
        return min(WARD_POINTS * len(area), WARD_CAP), [reason]
    shared = cand.wards if whole_place else cand.wards & area
    if not shared:
        return 0, []
    noun = "wards" if len(shared) > 1 else "ward"
    where = _listing(_names(shared, labels.wards))
    return min(WARD_POINTS * len(shared), WARD_CAP), [f"Works in {where} {noun}"]


def _client_groups(seeker: OrgProfile, need: Need, cand: OrgProfile, labels: Labels) -> tuple[int, list[str]]:
    shared = cand.client_groups & (need.client_groups or seeker.client_groups)
    if not shared:
        return 0, []
    points = min(CLIENT_GROUP_POINTS * len(shared), CLIENT_GROUP_CAP)
    return points, [f"Also works with {_listing(_names(shared, labels.client_groups))}"]


def _size_mix(seeker: OrgProfile, cand: OrgProfile) -> tuple[int, list[str]]:
    label = BAND_INFO[cand.income_band].label.lower()
    if seeker.income_band in SMALL_BANDS and cand.income_band in LARGER_BANDS:
        return SIZE_MIX_POINTS, [
            f"A {label} organisation: could bring the capacity to hold a contract while you deliver locally"
        ]
    if seeker.income_band in LARGER_BANDS and cand.income_band in SMALL_BANDS:
        return SIZE_MIX_POINTS, [f"A {label} organisation: could bring local reach and specialist knowledge"]
    return 0, []


def score(seeker: OrgProfile, need: Need, candidate: OrgProfile, labels: Labels | None = None) -> Suggestion | None:
    """How well a candidate fits, with reasons; None for the seeker itself or when nothing is in common."""
    if candidate.id == seeker.id:
        return None
    labels = labels or Labels()
    service_points, service_reasons, service_overlap = _services(seeker, need, candidate, labels)
    ward_points, ward_reasons = _wards(seeker, need, candidate, labels)
    group_points, group_reasons = _client_groups(seeker, need, candidate, labels)
    if not (service_overlap or ward_points or group_points):
        return None
    size_points, size_reasons = _size_mix(seeker, candidate)
    local_points, local_reasons = (0, [])
    if candidate.local:
        local_points, local_reasons = LOCAL_POINTS, ["Has its registered office in the area"]
    total = service_points + ward_points + group_points + size_points + local_points
    reasons = service_reasons + ward_reasons + group_reasons + size_reasons + local_reasons
    return Suggestion(candidate.id, total, tuple(reasons))


def rank(
    seeker: OrgProfile,
    need: Need,
    candidates: Iterable[OrgProfile],
    *,
    labels: Labels | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Candidates with anything in common, best first (ties: lowest id first). Deterministic."""
    found = [s for c in candidates if (s := score(seeker, need, c, labels)) is not None]
    found.sort(key=lambda s: (-s.score, s.candidate_id))
    # A candidate listed twice counts once.
    unique: list[Suggestion] = []
    seen: set[int] = set()
    for s in found:
        if s.candidate_id not in seen:
            seen.add(s.candidate_id)
            unique.append(s)
    return unique if limit is None else unique[:limit]
