"""The lifecycle table: every allowed move and every refused one, and who may make each."""

from __future__ import annotations

import itertools

import pytest

from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.opportunities.domain import lifecycle
from trellis.opportunities.domain.lifecycle import (
    FINAL_STATUSES,
    Action,
    MoveFacts,
    Status,
    allowed_actions,
    check_move,
    clarifications_open,
    may,
    next_status,
)

OFFICER = {"commissioner"}
PROCUREMENT = {"procurement_officer"}
SYSTEM = {"system"}

#: The whole table, written out by hand: (from, action) -> to. Everything else is refused.
EXPECTED = {
    (Status.DRAFT, Action.APPROVE): Status.APPROVED,
    (Status.APPROVED, Action.RETURN_TO_DRAFT): Status.DRAFT,
    (Status.APPROVED, Action.PUBLISH): Status.PUBLISHED,
    (Status.PUBLISHED, Action.CLOSE): Status.CLOSED,
    (Status.CLOSED, Action.START_EVALUATION): Status.UNDER_EVALUATION,
    (Status.CLOSED, Action.ADVANCE_STAGE): Status.CLOSED,
    (Status.CLOSED, Action.INVITE_NEXT_STAGE): Status.PUBLISHED,
    (Status.UNDER_EVALUATION, Action.AWARD): Status.AWARDED,
    (Status.UNDER_EVALUATION, Action.NOT_AWARD): Status.NOT_AWARDED,
    (Status.DRAFT, Action.CANCEL): Status.CANCELLED,
    (Status.APPROVED, Action.CANCEL): Status.CANCELLED,
    (Status.PUBLISHED, Action.CANCEL): Status.CANCELLED,
    (Status.CLOSED, Action.CANCEL): Status.CANCELLED,
    (Status.UNDER_EVALUATION, Action.CANCEL): Status.CANCELLED,
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status, Action)))
def test_every_pair_of_state_and_action_is_allowed_or_refused_as_the_table_says(status, action):
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            next_status(status, action)
    else:
        assert next_status(status, action) is expected


def test_the_table_has_exactly_the_expected_moves():
    assert {(t.source, t.action): t.target for t in lifecycle.TRANSITIONS} == EXPECTED


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_nothing_leaves_a_final_state(status):
    assert allowed_actions(status, OFFICER | SYSTEM) == []


def test_unknown_action_or_state_is_an_invalid_transition_with_a_plain_message():
    with pytest.raises(InvalidTransition, match="not something that can be done"):
        next_status("draft", "delete")
    with pytest.raises(InvalidTransition):
        next_status("archived", "approve")


def test_refused_move_names_the_state_and_action_in_words():
    with pytest.raises(InvalidTransition) as exc:
        next_status(Status.DRAFT, Action.PUBLISH)
    assert exc.value.message == "An opportunity that is draft cannot be moved by “publish”."


@pytest.mark.parametrize(("source", "action"), list(EXPECTED))
@pytest.mark.parametrize("roles", [OFFICER, PROCUREMENT])
def test_commissioners_and_procurement_officers_may_make_every_move(source, action, roles):
    assert may(source, action, roles)


@pytest.mark.parametrize(("source", "action"), list(EXPECTED))
@pytest.mark.parametrize(
    "roles", [set(), {"provider_admin"}, {"provider_member"}, {"resident"}, {"evaluator"}, {"platform_admin"}]
)
def test_nobody_else_may_make_any_move(source, action, roles):
    assert not may(source, action, roles)


@pytest.mark.parametrize(("source", "action"), list(EXPECTED))
def test_the_clock_may_only_close(source, action):
    assert may(source, action, SYSTEM) is (action is Action.CLOSE)


def test_allowed_actions_by_state_for_an_officer():
    assert allowed_actions(Status.DRAFT, OFFICER) == [Action.APPROVE, Action.CANCEL]
    assert allowed_actions(Status.APPROVED, OFFICER) == [Action.RETURN_TO_DRAFT, Action.PUBLISH, Action.CANCEL]
    assert allowed_actions(Status.PUBLISHED, OFFICER) == [Action.CLOSE, Action.CANCEL]
    assert allowed_actions(Status.CLOSED, OFFICER) == [
        Action.START_EVALUATION,
        Action.ADVANCE_STAGE,
        Action.INVITE_NEXT_STAGE,
        Action.CANCEL,
    ]
    assert allowed_actions(Status.UNDER_EVALUATION, OFFICER) == [Action.AWARD, Action.NOT_AWARD, Action.CANCEL]
    assert allowed_actions(Status.PUBLISHED, SYSTEM) == [Action.CLOSE]
    assert allowed_actions(Status.PUBLISHED, {"provider_admin"}) == []


def test_may_is_false_for_a_move_not_in_the_table():
    assert not may(Status.DRAFT, Action.PUBLISH, OFFICER)
    assert not may(Status.DRAFT, "nonsense", OFFICER)


# Guards ----------------------------------------------------------------------------------------------------------


def test_approval_needs_someone_other_than_the_creator():
    with pytest.raises(InvalidTransition) as exc:
        check_move(Status.DRAFT, Action.APPROVE, OFFICER, MoveFacts(actor_is_creator=True))
    assert exc.value.code == "same_person"
    assert check_move(Status.DRAFT, Action.APPROVE, OFFICER, MoveFacts(actor_is_creator=False)) is Status.APPROVED


def test_closing_waits_for_the_deadline_whoever_asks():
    for roles in (OFFICER, SYSTEM):
        with pytest.raises(InvalidTransition) as exc:
            check_move(Status.PUBLISHED, Action.CLOSE, roles, MoveFacts(deadline_passed=False))
        assert exc.value.code == "deadline_not_passed"
        assert check_move(Status.PUBLISHED, Action.CLOSE, roles, MoveFacts(deadline_passed=True)) is Status.CLOSED


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(reason):
    with pytest.raises(ValidationFailed) as exc:
        check_move(Status.PUBLISHED, Action.CANCEL, OFFICER, MoveFacts(reason=reason))
    assert exc.value.errors == {"reason": ["Enter the reason for cancelling."]}
    assert check_move(Status.PUBLISHED, Action.CANCEL, OFFICER, MoveFacts(reason="Budget withdrawn")) is (
        Status.CANCELLED
    )


def test_publishing_is_refused_with_the_readiness_errors_by_field():
    problems = {"criteria": ["The weights must add up to 100. They add up to 90."]}
    with pytest.raises(ValidationFailed) as exc:
        check_move(Status.APPROVED, Action.PUBLISH, OFFICER, MoveFacts(readiness_errors=problems))
    assert exc.value.errors == problems
    assert exc.value.code == "not_ready"
    assert check_move(Status.APPROVED, Action.PUBLISH, OFFICER, MoveFacts(readiness_errors={})) is Status.PUBLISHED


def test_a_role_that_may_not_move_is_refused_before_any_guard():
    with pytest.raises(InvalidTransition) as exc:
        check_move(Status.DRAFT, Action.APPROVE, {"provider_admin"}, MoveFacts())
    assert exc.value.code == "not_allowed"


def test_questions_run_only_while_published():
    assert [s for s in Status if clarifications_open(s)] == [Status.PUBLISHED]


def test_labels_exist_for_every_state_and_action():
    assert all(s.label for s in Status)
    assert all(a.label for a in Action)
    assert frozenset(Status) - {Status.DRAFT, Status.APPROVED} == lifecycle.PUBLIC_STATUSES


def test_an_award_needs_an_approved_evaluation_decision():
    facts = MoveFacts(deadline_passed=True)
    with pytest.raises(InvalidTransition, match="approving the evaluation's recommendation"):
        check_move(Status.UNDER_EVALUATION, Action.AWARD, OFFICER, facts)
    approved = MoveFacts(deadline_passed=True, award_approved=True)
    assert check_move(Status.UNDER_EVALUATION, Action.AWARD, OFFICER, approved) is Status.AWARDED
    # Recording that no award will be made stays an officer's move (for example when no bids came in).
    assert check_move(Status.UNDER_EVALUATION, Action.NOT_AWARD, OFFICER, facts) is Status.NOT_AWARDED
