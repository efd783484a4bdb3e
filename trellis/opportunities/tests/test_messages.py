"""Each notification opportunities send, rendered once with sample values: its subject, body and link."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from trellis.opportunities import messages
from trellis.opportunities.domain.kinds import Stage
from trellis.opportunities.models import Opportunity

ID = uuid.UUID("6f1c0b9e-3c8a-4d55-9b7e-2a1d4c5e6f70")
LINK = f"/opportunities/{ID}/"


@pytest.fixture
def opportunity() -> Opportunity:
    return Opportunity(
        public_id=ID,
        title="Befriending for older people",
        reference="NBR-2026-0007",
        kind="grant_round",
        summary="Weekly visits and calls.",
        closes_at=datetime(2026, 3, 6, 12, 0, tzinfo=UTC),
        status_reason="The budget was withdrawn.",
    )


def test_published(opportunity):
    message = messages.published(opportunity)
    assert message.subject == "New opportunity: Befriending for older people"
    assert message.body == (
        "Grant round: Befriending for older people (NBR-2026-0007).\n\nWeekly visits and calls.\n\n"
        "The deadline is 12:00pm on Friday 6 March 2026."
    )
    assert message.url == LINK


def test_cancelled(opportunity):
    message = messages.cancelled(opportunity)
    assert message.subject == "Cancelled: Befriending for older people"
    assert message.body == (
        "Befriending for older people (NBR-2026-0007) has been cancelled.\n\nThe budget was withdrawn."
    )
    assert message.url == LINK


def test_approved(opportunity):
    message = messages.approved(opportunity)
    assert message.subject == "Approved: Befriending for older people"
    assert message.body == "Befriending for older people (NBR-2026-0007) has been approved and can now be published."
    assert message.url == LINK


@pytest.mark.parametrize(("days", "when"), [(1, "tomorrow"), (7, "in a week")])
def test_deadline_reminder(opportunity, days, when):
    message = messages.deadline_reminder(opportunity, days=days)
    assert message.subject == f"Deadline {when}: Befriending for older people"
    assert message.body == (
        "The deadline for Befriending for older people (NBR-2026-0007) is 12:00pm on Friday 6 March 2026."
    )
    assert message.url == LINK


def test_the_deadline_is_shown_in_london_time(opportunity):
    opportunity.closes_at = datetime(2026, 7, 3, 11, 5, tzinfo=UTC)
    assert messages.deadline_text(opportunity) == "12:05pm on Friday 3 July 2026"


def test_stage_invitation(opportunity):
    message = messages.stage_invitation(opportunity, stage=Stage.FINAL_TENDER)
    assert message.subject == "Invitation: final tender for Befriending for older people"
    assert message.body == (
        "You are invited to the final tender stage of Befriending for older people (NBR-2026-0007).\n\n"
        "The deadline is 12:00pm on Friday 6 March 2026."
    )
    assert message.url == LINK


def test_question_asked(opportunity):
    message = messages.question_asked(opportunity)
    assert message.subject == "New question: Befriending for older people"
    assert message.body == "A provider has asked a question about Befriending for older people (NBR-2026-0007)."
    assert message.url == LINK


def test_question_answered(opportunity):
    message = messages.question_answered(opportunity)
    assert message.subject == "Question answered: Befriending for older people"
    assert message.body == (
        "A new answer to a clarification question about Befriending for older people (NBR-2026-0007) "
        "has been published."
    )
    assert message.url == LINK
