"""Who may use the route advisor: every permission, for every kind of person, in one table; and each page's door."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from trellis.core.domain.roles import Role
from trellis.routes import permissions as perms
from trellis.routes.models import RouteDecision

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "resident",
    "provider_member",
    "provider_admin",
    "evaluator",
    "commissioner",
    "procurement_officer",
    "platform_admin",
)

# Y = allowed, . = refused; columns in the order of ROLES.
#                                  anon res mem adm eva com pro pla
TABLE = {
    "can_use_advisor":             ".    .   .   .   .   Y   Y   Y",
    "can_save_decision":           ".    .   .   .   .   Y   Y   Y",
    "can_view_decision":           ".    .   .   .   .   Y   Y   Y",
    "can_edit_cost_assumptions":   ".    .   .   .   .   .   .   Y",
}  # fmt: skip


def _person(request, role: str):
    if role == "anonymous":
        return AnonymousUser()
    if role == "evaluator":
        return request.getfixturevalue("make_person")(Role.EVALUATOR, request.getfixturevalue("council"))
    return request.getfixturevalue(role)


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        (action, role, flag == "Y")
        for action, row in TABLE.items()
        for role, flag in zip(ROLES, row.split(), strict=True)
    ],
)
def test_permission_table(request, action, role, expected, place):
    decision = getattr(perms, action)(_person(request, role), place)
    assert decision.allowed is expected
    assert decision.reason, "every decision says why"


def test_every_permission_is_in_the_table():
    assert {name for name in dir(perms) if name.startswith("can_")} == set(TABLE)


FLOW_PAGES = [
    ("routes:start", []),
    ("routes:question", ["need"]),
    ("routes:question", ["purpose"]),
    ("routes:check", []),
    ("routes:result", []),
    ("routes:result_chart", []),
    ("routes:save", []),
    ("routes:decisions", []),
]


@pytest.mark.parametrize("who", ["provider_admin", "provider_member", "resident"])
@pytest.mark.parametrize(("name", "args"), FLOW_PAGES)
def test_the_flow_is_forbidden_to_providers_and_residents(client, request, who, name, args):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(name, args=args))
    assert response.status_code == 403
    assert "commissioners, procurement officers and platform admins" in response.content.decode()


@pytest.mark.parametrize(("name", "args"), FLOW_PAGES)
def test_signed_out_people_are_asked_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["provider_admin", "resident"])
@pytest.mark.parametrize("name", ["routes:decision", "routes:decision_pdf", "routes:decision_chart"])
def test_a_decision_is_not_found_for_providers_and_residents(client, request, who, name, decision):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name, args=[decision.public_id])).status_code == 404


@pytest.mark.parametrize("who", ["provider_admin", "resident"])
def test_revising_is_refused_to_providers_and_residents_and_changes_nothing(client, request, who, decision):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("routes:decision_revise", args=[decision.public_id]))
    assert response.status_code == 403
    assert "routes_advisor" not in client.session
    assert RouteDecision.objects.count() == 1


def test_saving_is_refused_to_a_provider_and_nothing_is_written(client, provider_admin):
    client.force_login(provider_admin)
    response = client.post(reverse("routes:save"), {"chosen_route": "open_procedure", "rationale": "x"})
    assert response.status_code == 403
    assert not RouteDecision.objects.exists()
