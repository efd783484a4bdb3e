"""Each notification the directory sends, rendered once with sample values: its subject, body and link."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.test import override_settings

from trellis.core.domain.roles import Role
from trellis.core.models import Person
from trellis.organisations import messages
from trellis.organisations.models import EvidenceDocument, ImportJob, Organisation, PartnerRequest

DOC_ID = uuid.UUID("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
JOB_ID = uuid.UUID("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e")
REQUEST_ID = uuid.UUID("3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f")
TODAY = date(2026, 3, 2)


@pytest.fixture
def charity() -> Organisation:
    return Organisation(name="Northbridge Age Concern", slug="northbridge-age-concern")


def evidence(charity, *, expires_on=None) -> EvidenceDocument:
    return EvidenceDocument(
        public_id=DOC_ID,
        organisation=charity,
        kind="safeguarding_policy",
        title="Safeguarding policy 2026",
        expires_on=expires_on,
    )


def test_evidence_to_verify(charity):
    message = messages.evidence_to_verify(evidence(charity))
    assert message.subject == "Evidence to verify: Northbridge Age Concern"
    assert message.body == (
        "Northbridge Age Concern uploaded “Safeguarding policy 2026” (Safeguarding policy). Please check and verify it."
    )
    assert message.url == f"/directory/verify/{DOC_ID}/"


@pytest.mark.parametrize(
    ("verified", "note", "subject", "body"),
    [
        (True, "", "Your safeguarding policy was verified", "“Safeguarding policy 2026” was verified by Ada Lovelace."),
        (
            False,
            "The policy is unsigned.",
            "Your safeguarding policy was not accepted",
            "“Safeguarding policy 2026” was not accepted by Ada Lovelace.\n\nThe policy is unsigned.",
        ),
    ],
)
def test_evidence_reviewed(charity, verified, note, subject, body):
    reviewer = Person(full_name="Ada Lovelace", email="ada@example.org")
    message = messages.evidence_reviewed(evidence(charity), verified=verified, reviewer=reviewer, note=note)
    assert (message.subject, message.body) == (subject, body)
    assert message.url == "/directory/northbridge-age-concern/evidence/"


@pytest.mark.parametrize(
    ("expires_on", "when", "day"),
    [
        (date(2026, 5, 1), "in 60 days", "1 May 2026"),
        (TODAY, "today", "2 March 2026"),
        (date(2026, 2, 27), "on 27 February 2026 (it has expired)", "27 February 2026"),
    ],
)
def test_evidence_expiring(charity, expires_on, when, day):
    message = messages.evidence_expiring(evidence(charity, expires_on=expires_on), today=TODAY)
    assert message.subject == f"Safeguarding policy expires {when}"
    assert message.body == (
        f"Your safeguarding policy “Safeguarding policy 2026” expires {when} ({day}). Upload the new one so your "
        "accreditation stays current."
    )
    assert message.url == "/directory/northbridge-age-concern/evidence/"


def test_consortium_member(charity):
    consortium = Organisation(name="Northbridge Care Partnership", slug="northbridge-care-partnership")
    message = messages.consortium_member(consortium, lead=charity)
    assert message.subject == "Your organisation is a member of Northbridge Care Partnership"
    assert message.body == (
        "Northbridge Age Concern has set up the consortium “Northbridge Care Partnership” with your organisation "
        "as a member."
    )
    assert message.url == "/directory/northbridge-care-partnership/"


def test_partner_interest(charity):
    request = PartnerRequest(public_id=REQUEST_ID, title="Lead partner for a transport bid")
    message = messages.partner_interest(request, organisation=charity, message="We run six minibuses.")
    assert message.subject == "Northbridge Age Concern is interested in “Lead partner for a transport bid”"
    assert message.body == "We run six minibuses."
    assert message.url == f"/directory/partners/{REQUEST_ID}/"


@override_settings(SITE_URL="https://trellis.example.org")
@pytest.mark.parametrize(
    ("is_new", "how"),
    [
        (
            True,
            "To sign in, go to https://trellis.example.org/accounts/login/code/ and enter this e-mail address: we "
            "will send you a one-time code. You do not need a password.",
        ),
        (False, "Sign in as usual to see it."),
    ],
)
def test_member_added(charity, is_new, how):
    admin = Person(full_name="Grace Hopper", email="grace@example.org")
    message = messages.member_added(charity, added_by=admin, role=Role.PROVIDER_MEMBER, is_new=is_new)
    assert message.subject == "You have been added to Northbridge Age Concern"
    assert message.body == (
        f"Grace Hopper has added you to Northbridge Age Concern on Trellis as a provider member.\n\n{how}"
    )
    assert message.url == "/directory/northbridge-age-concern/"


def test_import_finished():
    message = messages.import_finished(ImportJob(public_id=JOB_ID, file_name="charities.csv"), created=12, updated=3)
    assert message.subject == "Import finished: charities.csv"
    assert message.body == "12 organisations were added to the directory and 3 were updated."
    assert message.url == f"/directory/import/{JOB_ID}/"


def test_import_stopped():
    job = ImportJob(public_id=JOB_ID, file_name="charities.csv")
    message = messages.import_stopped(job, reason="The import never started.")
    assert message.subject == "Import stopped: charities.csv"
    assert message.body == "The import never started."
    assert message.url == f"/directory/import/{JOB_ID}/"
