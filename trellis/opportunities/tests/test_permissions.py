"""Permission tables: role × state → allowed? for every action on opportunities."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from trellis.core.domain.roles import Role
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain.lifecycle import Action, Status
from trellis.opportunities.models import Opportunity
from trellis.opportunities.tests.fixtures_core import closes

pytestmark = pytest.mark.django_db

ROLES = ["commissioner", "procurement_officer", "platform_admin", "evaluator", "provider_admin", "provider_member",
         "resident", "anonymous"]  # fmt: skip
OFFICERS = {"commissioner", "procurement_officer"}
STAFF = OFFICERS | {"platform_admin"}


@pytest.fixture
def people(council, charity, make_person):
    return {
        "commissioner": make_person(Role.COMMISSIONER, council),
        "procurement_officer": make_person(Role.PROCUREMENT_OFFICER, council),
        "platform_admin": make_person(Role.PLATFORM_ADMIN, council),
        "evaluator": make_person(Role.EVALUATOR, council),
        "provider_admin": make_person(Role.PROVIDER_ADMIN, charity),
        "provider_member": make_person(Role.PROVIDER_MEMBER, charity),
        "resident": make_person(Role.RESIDENT, council),
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def author(council, make_person):
    """The person who created the opportunities: a commissioner other than the ones in the table."""
    return make_person(Role.COMMISSIONER, council)


def opportunity(place, author, status: str, **kw) -> Opportunity:
    return Opportunity.objects.create(
        reference=f"T-{status}-{Opportunity.objects.count()}",
        place=place,
        title="Befriending",
        kind="grant_round",
        status=status,
        created_by=author,
        questions_close_at=kw.pop("questions_close_at", closes(30)),
        closes_at=kw.pop("closes_at", closes(40)),
        **kw,
    )


@pytest.mark.parametrize("role", ROLES)
def test_create(people, place, role):
    assert bool(perms.can_create_opportunity(people[role], place)) is (role in OFFICERS)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", ROLES)
def test_edit_only_by_officers_and_only_before_publication(people, place, author, role, status):
    allowed = perms.can_edit_opportunity(people[role], opportunity(place, author, status))
    assert bool(allowed) is (role in OFFICERS and status in ("draft", "approved"))


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", ROLES)
def test_view_drafts_only_for_staff_and_the_rest_for_everyone(people, place, author, role, status):
    allowed = perms.can_view_opportunity(people[role], opportunity(place, author, status))
    assert bool(allowed) is (status not in ("draft", "approved") or role in STAFF)


#: (status, action) pairs in the lifecycle table.
MOVES = [
    ("draft", "approve"),
    ("draft", "cancel"),
    ("approved", "return_to_draft"),
    ("approved", "publish"),
    ("approved", "cancel"),
    ("published", "close"),
    ("published", "cancel"),
    ("closed", "start_evaluation"),
    ("closed", "cancel"),
    ("under_evaluation", "not_award"),
    ("under_evaluation", "cancel"),
]
#: Moves in the table only for a procedure run in stages (see test_stages.py): refused for one that is not.
STAGE_MOVES = [("closed", "advance_stage"), ("closed", "invite_next_stage")]
#: In the table, but made only by approving an evaluation's recommendation (trellis/evaluation).
AWARD = ("under_evaluation", "award")


@pytest.mark.parametrize(("status", "action"), MOVES)
@pytest.mark.parametrize("role", ROLES)
def test_every_move_by_every_role(people, place, author, role, status, action):
    decision = perms.can_transition(people[role], opportunity(place, author, status), action)
    assert bool(decision) is (role in OFFICERS), decision.reason
    assert decision.reason


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_moves_not_in_the_table_are_refused_with_a_reason(people, place, author, status, action):
    decision = perms.can_transition(people["commissioner"], opportunity(place, author, status), action)
    assert bool(decision) is ((status.value, action.value) in MOVES)
    if (status.value, action.value) in STAGE_MOVES:
        assert decision.reason == "This opportunity has no further stage."
    elif (status.value, action.value) == AWARD:
        assert "approving the evaluation's recommendation" in decision.reason
    elif not decision:
        assert "cannot be moved" in decision.reason


@pytest.mark.parametrize("role", ROLES)
def test_an_award_only_with_an_approved_evaluation_decision(people, place, author, role):
    under_evaluation = opportunity(place, author, "under_evaluation")
    assert not perms.can_transition(people[role], under_evaluation, "award")
    approved = perms.can_transition(people[role], under_evaluation, "award", award_approved=True)
    assert bool(approved) is (role in OFFICERS)


def test_the_creator_may_not_approve_but_may_make_other_moves(place, author):
    draft = opportunity(place, author, "draft")
    refused = perms.can_approve_opportunity(author, draft)
    assert not refused and "Someone other than the person who created" in refused.reason
    assert perms.can_cancel_opportunity(author, draft)
    assert perms.can_publish_opportunity(author, opportunity(place, author, "approved"))


def test_allowed_actions_offer_only_what_this_person_may_do(people, place, author):
    draft = opportunity(place, author, "draft")
    assert perms.allowed_actions(people["procurement_officer"], draft) == [Action.APPROVE, Action.CANCEL]
    assert perms.allowed_actions(author, draft) == [Action.CANCEL]
    assert perms.allowed_actions(people["provider_admin"], draft) == []
    assert perms.allowed_actions(people["anonymous"], draft) == []


@pytest.mark.parametrize("role", ROLES)
def test_ask_while_open_only_as_a_provider(people, place, author, charity, role):
    open_one = opportunity(place, author, "published")
    assert bool(perms.can_ask_question(people[role], open_one, now=closes(1))) is (
        role in ("provider_admin", "provider_member")
    )
    assert bool(perms.can_ask_question(people[role], open_one, charity, now=closes(1))) is (
        role in ("provider_admin", "provider_member")
    )


@pytest.mark.parametrize("status", [s for s in Status if s != Status.PUBLISHED])
def test_no_questions_unless_published(people, place, author, status):
    decision = perms.can_ask_question(people["provider_admin"], opportunity(place, author, status), now=closes(1))
    assert not decision and "while the opportunity is open" in decision.reason


def test_questions_close_at_the_question_deadline_or_else_the_bid_deadline(people, place, author):
    with_deadline = opportunity(place, author, "published")
    assert perms.can_ask_question(people["provider_admin"], with_deadline, now=closes(30) - timedelta(seconds=1))
    refused = perms.can_ask_question(people["provider_admin"], with_deadline, now=closes(30))
    assert not refused and refused.reason.startswith("Questions closed at ")
    no_question_deadline = opportunity(place, author, "published", questions_close_at=None)
    assert perms.can_ask_question(people["provider_admin"], no_question_deadline, now=closes(39))
    assert not perms.can_ask_question(people["provider_admin"], no_question_deadline, now=closes(40))


def test_asking_for_another_organisation_is_refused(people, place, author, other_charity):
    decision = perms.can_ask_question(people["provider_admin"], opportunity(place, author, "published"), other_charity)
    assert not decision and "member of" in decision.reason


@pytest.mark.parametrize("role", ROLES)
def test_answer_only_by_officers(people, role):
    assert bool(perms.can_answer_question(people[role])) is (role in OFFICERS)


@pytest.mark.parametrize("role", ROLES)
def test_staff_side_for_staff(people, role):
    assert bool(perms.can_view_staff_side(people[role])) is (role in STAFF)


@pytest.mark.parametrize("role", ROLES)
def test_anyone_signed_in_may_subscribe(people, role):
    assert bool(perms.can_subscribe(people[role])) is (role != "anonymous")
