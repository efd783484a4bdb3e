"""The roles a person can hold, always through a membership of an organisation."""

from enum import StrEnum


class Role(StrEnum):
    COMMISSIONER = "commissioner"
    PROCUREMENT_OFFICER = "procurement_officer"
    EVALUATOR = "evaluator"
    PROVIDER_MEMBER = "provider_member"
    PROVIDER_ADMIN = "provider_admin"
    RESIDENT = "resident"
    CITIZEN_COMMISSIONER = "citizen_commissioner"
    PLATFORM_ADMIN = "platform_admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.COMMISSIONER: "Commissioner",
    Role.PROCUREMENT_OFFICER: "Procurement officer",
    Role.EVALUATOR: "Evaluator",
    Role.PROVIDER_MEMBER: "Provider member",
    Role.PROVIDER_ADMIN: "Provider admin",
    Role.RESIDENT: "Resident",
    Role.CITIZEN_COMMISSIONER: "Citizen commissioner",
    Role.PLATFORM_ADMIN: "Platform admin",
}

#: Roles held through a public body (the council, the NHS) rather than a provider.
AUTHORITY_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER, Role.EVALUATOR, Role.CITIZEN_COMMISSIONER})
#: Roles held through a provider organisation.
PROVIDER_ROLES = frozenset({Role.PROVIDER_MEMBER, Role.PROVIDER_ADMIN})
#: Roles that may see commissioner-only information (evidence documents, private contacts).
STAFF_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER, Role.PLATFORM_ADMIN})
