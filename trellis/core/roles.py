"""Who holds which role: the questions permissions ask about a person."""

from __future__ import annotations

from collections.abc import Iterable

from trellis.core.domain.roles import STAFF_ROLES, Role
from trellis.core.models import Membership, Person


def _roles(person: Person | None) -> dict[str, set[int]]:
    """role -> organisation ids, cached on the person object for the request."""
    if person is None or not person.is_authenticated:
        return {}
    cached = getattr(person, "_trellis_roles", None)
    if cached is None:
        cached = {}
        for role, org_id in Membership.objects.filter(person=person).values_list("role", "organisation_id"):
            cached.setdefault(role, set()).add(org_id)
        setattr(person, "_trellis_roles", cached)  # noqa: B010 - a per-request cache on the object
    return cached


def forget_roles(person: Person) -> None:
    if hasattr(person, "_trellis_roles"):
        del person._trellis_roles


def has_role(person: Person | None, role: Role | Iterable[Role], organisation_id: int | None = None) -> bool:
    wanted = [role] if isinstance(role, Role) else list(role)
    held = _roles(person)
    for r in wanted:
        orgs = held.get(r.value, set())
        if orgs and (organisation_id is None or organisation_id in orgs):
            return True
    return False


def is_platform_admin(person: Person | None) -> bool:
    return bool(person and person.is_authenticated and (person.is_superuser or has_role(person, Role.PLATFORM_ADMIN)))


def is_staff_member(person: Person | None) -> bool:
    """Commissioners, procurement officers and platform admins: the authority's side."""
    return is_platform_admin(person) or has_role(person, STAFF_ROLES)


def roles_held(person: Person | None) -> list[Role]:
    return sorted((Role(r) for r in _roles(person)), key=lambda r: list(Role).index(r))


def organisation_ids_with(person: Person | None, role: Role | Iterable[Role]) -> set[int]:
    wanted = [role] if isinstance(role, Role) else list(role)
    held = _roles(person)
    return set().union(*(held.get(r.value, set()) for r in wanted))
