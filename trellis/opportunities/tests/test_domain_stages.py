"""A competitive flexible procedure's plan of stages, where it is in it, and the lifecycle guards about stages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.opportunities.domain import stages
from trellis.opportunities.domain.kinds import DEFAULT_FLEXIBLE_STAGES, Stage
from trellis.opportunities.domain.lifecycle import Action, Guard, MoveFacts, Status, check_move, plan_problem

EOI, SHORTLIST, TENDER, DIALOGUE, NEGOTIATION, FINAL = (
    "expression_of_interest",
    "shortlist",
    "tender",
    "dialogue",
    "negotiation",
    "final_tender",
)
DEFAULT = tuple(s.value for s in DEFAULT_FLEXIBLE_STAGES)
OFFICER = {"commissioner"}


@pytest.mark.parametrize(
    "plan",
    [
        [TENDER],
        [EOI, SHORTLIST, TENDER],
        [EOI, SHORTLIST, TENDER, DIALOGUE, FINAL],
        [TENDER, NEGOTIATION, FINAL],
        [EOI, SHORTLIST, TENDER, NEGOTIATION, FINAL],
    ],
)
def test_plans_that_can_be_run(plan):
    assert stages.plan_errors(plan) == []


def test_the_default_plan_can_be_run_and_ends_with_the_final_tenders():
    assert stages.plan_errors(DEFAULT) == []
    assert DEFAULT[-1] == FINAL


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ([], "Choose the stages of the procedure."),
        (["interview"], "Choose the stages from the list."),
        ([TENDER, TENDER], "Choose each stage once."),
        ([SHORTLIST, TENDER], "The first stage must take submissions"),
        ([EOI, SHORTLIST, TENDER, DIALOGUE], "The last stage must be a tender or a final tender"),
        ([EOI], "The last stage must be a tender or a final tender"),
        ([EOI, TENDER], "Put a shortlist, dialogue or negotiation between “expression of interest” and “tender”"),
        ([TENDER, SHORTLIST, DIALOGUE, FINAL], "“Shortlist” must be followed by a stage that takes submissions"),
        ([TENDER, SHORTLIST, EOI], "An expression of interest can only be the first stage."),
        ([EOI, SHORTLIST, FINAL], "A final tender follows dialogue or negotiation."),
    ],
)
def test_plans_that_cannot_be_run_say_why(plan, message):
    errors = stages.plan_errors(plan)
    assert any(message in e for e in errors), errors


def test_progress_marks_each_stage_done_current_or_upcoming():
    steps = stages.progress(DEFAULT, 2)
    assert [s.state.value for s in steps] == ["done", "done", "current", "upcoming", "upcoming"]
    assert [s.number for s in steps] == [1, 2, 3, 4, 5]
    assert steps[2].label == "Tender" and steps[2].takes_submissions and not steps[1].takes_submissions


def test_current_following_and_last():
    assert stages.current(DEFAULT, 0) is Stage.EXPRESSION_OF_INTEREST
    assert stages.following(DEFAULT, 0) is Stage.SHORTLIST
    assert stages.following(DEFAULT, 4) is None
    assert not stages.is_last(DEFAULT, 3) and stages.is_last(DEFAULT, 4)
    assert stages.current([], 0) is None and stages.is_last([], 0)


def test_the_latest_submission_stage_reached():
    assert stages.last_submission_index(DEFAULT, 0) == 0
    assert stages.last_submission_index(DEFAULT, 1) == 0  # at the shortlist, the expressions of interest are current
    assert stages.last_submission_index(DEFAULT, 3) == 2
    assert stages.last_submission_index([], 0) is None


def test_later_stage_periods_cite_their_source():
    for stage, period in stages.LATER_STAGE_PERIODS.items():
        assert stages.is_submission(stage) and period.days > 0 and period.source


# The lifecycle's guards about stages ----------------------------------------------------------------------------


def facts(index: int, plan=DEFAULT, **kw) -> MoveFacts:
    return MoveFacts(stages=tuple(plan), stage_index=index, deadline_passed=True, **kw)


def test_evaluation_starts_only_from_the_last_stage():
    with pytest.raises(InvalidTransition, match="stages still to run: next is “shortlist”"):
        check_move(Status.CLOSED, Action.START_EVALUATION, OFFICER, facts(0))
    assert check_move(Status.CLOSED, Action.START_EVALUATION, OFFICER, facts(4)) is Status.UNDER_EVALUATION
    # An opportunity not run in stages is unaffected.
    assert check_move(Status.CLOSED, Action.START_EVALUATION, OFFICER, facts(0, plan=())) is Status.UNDER_EVALUATION


def test_advancing_goes_from_a_submission_stage_to_a_step_and_stays_closed():
    assert check_move(Status.CLOSED, Action.ADVANCE_STAGE, OFFICER, facts(0)) is Status.CLOSED
    with pytest.raises(InvalidTransition, match="The next stage is “tender”"):
        check_move(Status.CLOSED, Action.ADVANCE_STAGE, OFFICER, facts(1))
    with pytest.raises(InvalidTransition, match="no further stage"):
        check_move(Status.CLOSED, Action.ADVANCE_STAGE, OFFICER, facts(4))


def test_inviting_goes_from_a_step_to_a_submission_stage_and_reopens():
    assert check_move(Status.CLOSED, Action.INVITE_NEXT_STAGE, OFFICER, facts(1)) is Status.PUBLISHED
    with pytest.raises(InvalidTransition, match="The next stage is “shortlist”"):
        check_move(Status.CLOSED, Action.INVITE_NEXT_STAGE, OFFICER, facts(0))


def test_a_stage_move_with_problems_fails_naming_the_fields():
    with pytest.raises(ValidationFailed) as exc:
        check_move(
            Status.CLOSED, Action.INVITE_NEXT_STAGE, OFFICER, facts(1, stage_errors={"closes_at": ["Too soon."]})
        )
    assert exc.value.errors == {"closes_at": ["Too soon."]}


def test_plan_problem_is_none_for_guards_that_are_not_about_the_plan():
    assert plan_problem(Guard.REASON_GIVEN, DEFAULT, 0) is None
    assert plan_problem(Guard.NEXT_IS_STEP, DEFAULT, 0) is None


# Inviting a later stage --------------------------------------------------------------------------------------------

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def test_a_tender_invitation_needs_25_days_and_questions_closing_between_now_and_the_deadline():
    ok = stages.invitation_errors(
        Stage.TENDER, closes_at=NOW + timedelta(days=25), questions_close_at=NOW + timedelta(days=20), now=NOW
    )
    assert ok == {}
    short = stages.invitation_errors(Stage.TENDER, closes_at=NOW + timedelta(days=24), questions_close_at=None, now=NOW)
    assert "at least 25 days away" in short["closes_at"][0] and "26 March 2027" in short["closes_at"][0]
    late = stages.invitation_errors(
        Stage.FINAL_TENDER, closes_at=NOW + timedelta(days=10), questions_close_at=NOW + timedelta(days=11), now=NOW
    )
    assert late == {"questions_close_at": ["Questions must close before the deadline."]}
    missing = stages.invitation_errors(Stage.TENDER, closes_at=None, questions_close_at="soon", now=NOW)
    assert set(missing) == {"closes_at", "questions_close_at"}


def test_who_goes_on_is_chosen_among_the_opened_bidders_with_a_reason_for_the_rest():
    ok = stages.check_choice(submitted={1, 2, 3}, wanted=["1", 2], message=" Not local enough. ", opened=True)
    assert ok.going_on == {1, 2} and ok.message == "Not local enough." and ok.problems == {}
    everyone = stages.check_choice(submitted={1, 2}, wanted=[1, 2], message="", opened=True)
    assert everyone.problems == {}  # nobody left out: no message needed
    unexplained = stages.check_choice(submitted={1, 2}, wanted=[1], message="", opened=True)
    assert list(unexplained.problems) == ["message"]
    assert list(stages.check_choice(submitted={1}, wanted=[1], message="", opened=False).problems) == ["participants"]
    stranger = stages.check_choice(submitted={1}, wanted=[1, 9], message="", opened=True)
    assert stranger.problems["participants"] == ["Choose only providers that submitted to this stage."]
    assert stages.check_choice(submitted={1}, wanted=["x"], message="", opened=True).problems["participants"]


def test_questions_closing_now_or_earlier_are_refused():
    past = stages.invitation_errors(
        Stage.FINAL_TENDER, closes_at=NOW + timedelta(days=10), questions_close_at=NOW, now=NOW
    )
    assert past == {"questions_close_at": ["Questions must close in the future."]}


def test_a_message_to_those_not_going_on_has_a_length_limit():
    long = stages.check_choice(submitted={1, 2}, wanted=[1], message="x" * 5001, opened=True)
    assert long.problems == {"message": ["Keep the message to 5,000 characters or fewer."]}
    assert stages.check_choice(submitted={1, 2}, wanted=[1], message="x" * 5000, opened=True).problems == {}
