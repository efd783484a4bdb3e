"""Who may do what in the directory: every permission function, for every kind of person, in one table."""

from __future__ import annotations

import inspect

import pytest
from django.contrib.auth.models import AnonymousUser

from trellis.core.domain.roles import Role
from trellis.core.models import Membership
from trellis.organisations import permissions as perms
from trellis.organisations import services
from trellis.organisations.domain.accreditation import EvidenceKind
from trellis.organisations.models import EvidenceDocument, Organisation, PartnerRequest

pytestmark = pytest.mark.django_db

#: The people in the table, in column order. "The organisation" is the charity.
ROLES = (
    "anonymous",
    "resident",
    "provider_member",  # of the organisation
    "provider_admin",  # of the organisation
    "other_provider_admin",  # admin of another organisation
    "commissioner",
    "procurement_officer",
    "platform_admin",
    "member_commissioner",  # a commissioner who is also a member of the organisation
)

# Y = allowed, . = refused; columns in the order of ROLES.
#                                                   anon res mem adm oth com pro pla m+c
TABLE = {
    "is_member_of":                                 ".    .   Y   Y   .   .   .   .   Y",
    "is_admin_of":                                  ".    .   .   Y   .   .   .   .   .",
    "can_view_organisation":                        "Y    Y   Y   Y   Y   Y   Y   Y   Y",
    "can_view_organisation (delisted)":             ".    .   Y   Y   .   Y   Y   Y   Y",
    "can_view_private_details":                     ".    .   Y   Y   .   Y   Y   Y   Y",
    "can_edit_organisation":                        ".    .   .   Y   .   .   .   Y   .",
    "can_edit_organisation (consortium it leads)":  ".    .   .   Y   .   .   .   Y   .",
    "can_upload_evidence":                          ".    .   .   Y   .   .   .   .   .",
    "can_view_evidence":                            ".    .   Y   Y   .   Y   Y   Y   Y",
    "can_verify_evidence":                          ".    .   .   .   .   Y   .   Y   .",
    "can_use_verification_queue":                   ".    .   .   .   .   Y   .   Y   Y",
    "can_manage_directory":                         ".    .   .   .   .   Y   Y   Y   Y",
    "can_export_private_columns":                   ".    .   .   .   .   Y   Y   Y   Y",
    "can_act_for":                                  ".    .   Y   Y   .   .   .   .   Y",
    "can_create_consortium":                        ".    .   .   Y   .   .   .   Y   .",
    "can_express_interest":                         ".    .   Y   Y   .   .   .   .   Y",
    "can_express_interest (own request)":           ".    .   .   .   .   .   .   .   .",
    "can_express_interest (closed request)":        ".    .   .   .   .   .   .   .   .",
}  # fmt: skip


@pytest.fixture
def world(charity, other_charity, council, provider_admin):
    """The objects each action is asked about."""
    document = services.evidence_upload(
        actor=provider_admin,
        organisation=charity,
        kind=EvidenceKind.SAFEGUARDING_POLICY,
        title="Safeguarding policy",
        filename="policy.pdf",
        content=b"%PDF-1.7\n%%EOF\n",
        expires_on=None,
    )
    consortium = services.consortium_create(
        actor=None,
        check_permission=False,
        name="Northbridge Food Partnership",
        lead_model="member_lead",
        lead=charity,
        members=[(charity, "Lead and food hub", None), (other_charity, "Advice sessions", None)],
    )
    delisted = Organisation.objects.get(pk=charity.pk)
    delisted.is_active = False  # the same organisation, as if it had been taken out of the directory
    return {
        "org": charity,
        "delisted": delisted,
        "consortium": consortium.organisation,
        "document": EvidenceDocument.objects.select_related("organisation").get(pk=document.pk),
        "open_request": PartnerRequest.objects.create(
            organisation=other_charity, title="Partner for advice sessions", description="Two mornings a week."
        ),
        "own_request": PartnerRequest.objects.create(
            organisation=charity, title="Partner for deliveries", description="Drivers with vans."
        ),
        "closed_request": PartnerRequest.objects.create(
            organisation=other_charity, title="Closed", description="No longer needed.", is_open=False
        ),
    }


ACTIONS = {
    "is_member_of": lambda a, w: perms.is_member_of(a, w["org"]),
    "is_admin_of": lambda a, w: perms.is_admin_of(a, w["org"]),
    "can_view_organisation": lambda a, w: perms.can_view_organisation(a, w["org"]),
    "can_view_organisation (delisted)": lambda a, w: perms.can_view_organisation(a, w["delisted"]),
    "can_view_private_details": lambda a, w: perms.can_view_private_details(a, w["org"]),
    "can_edit_organisation": lambda a, w: perms.can_edit_organisation(a, w["org"]),
    "can_edit_organisation (consortium it leads)": lambda a, w: perms.can_edit_organisation(a, w["consortium"]),
    "can_upload_evidence": lambda a, w: perms.can_upload_evidence(a, w["org"]),
    "can_view_evidence": lambda a, w: perms.can_view_evidence(a, w["org"]),
    "can_verify_evidence": lambda a, w: perms.can_verify_evidence(a, w["document"]),
    "can_use_verification_queue": lambda a, w: perms.can_use_verification_queue(a),
    "can_manage_directory": lambda a, w: perms.can_manage_directory(a),
    "can_export_private_columns": lambda a, w: perms.can_export_private_columns(a),
    "can_act_for": lambda a, w: perms.can_act_for(a, w["org"]),
    "can_create_consortium": lambda a, w: perms.can_create_consortium(a, w["org"]),
    "can_express_interest": lambda a, w: perms.can_express_interest(a, w["open_request"], w["org"]),
    "can_express_interest (own request)": lambda a, w: perms.can_express_interest(a, w["own_request"], w["org"]),
    "can_express_interest (closed request)": lambda a, w: perms.can_express_interest(a, w["closed_request"], w["org"]),
}


def _actor(request, role: str, council, charity, make_person):
    if role == "anonymous":
        return AnonymousUser()
    if role == "member_commissioner":
        person = make_person(Role.COMMISSIONER, council)
        Membership.objects.create(person=person, organisation=charity, role=Role.PROVIDER_MEMBER)
        return person
    return request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
def test_permission_table(request, role, world, council, charity, make_person):
    actor = _actor(request, role, council, charity, make_person)
    column = ROLES.index(role)
    expected = {action: row.split()[column] == "Y" for action, row in TABLE.items()}
    actual = {}
    for action, check in ACTIONS.items():
        decision = check(actor, world)
        actual[action] = bool(decision)
        if not isinstance(decision, bool):
            assert decision.reason, f"{action} gave {role} no reason"
    wrong = {
        action: f"expected {expected[action]}, got {actual[action]}"
        for action in TABLE
        if expected[action] != actual[action]
    }
    assert not wrong, f"{role}: {wrong}"


def test_the_table_covers_every_permission_function():
    public = {
        name
        for name, fn in inspect.getmembers(perms, inspect.isfunction)
        if fn.__module__ == perms.__name__ and not name.startswith("_")
    }
    covered = {action.split(" (")[0] for action in TABLE}
    assert set(TABLE) == set(ACTIONS)
    assert public == covered, f"add rows to the table for: {sorted(public - covered)}"
    assert all(len(row.split()) == len(ROLES) for row in TABLE.values())
