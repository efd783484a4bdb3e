"""The eligibility rule: which items a bid meets, which stop it, and which are still to answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trellis.bids.domain import receipts
from trellis.bids.domain.eligibility import (
    Answer,
    AnswerProblem,
    EvidenceState,
    HeldEvidence,
    Item,
    Outcome,
    assess,
    best_evidence,
    blocking,
    evidence_record,
    evidence_state,
    parse_answers,
    receipt_row,
    still_to_do,
)
from trellis.organisations.domain.accreditation import EvidenceKind

TODAY = date(2026, 3, 2)
SAFEGUARDING = EvidenceKind.SAFEGUARDING_POLICY
INSURANCE = EvidenceKind.PUBLIC_LIABILITY_INSURANCE

MUST = Item(1, "A constituted community group", must_have=True)
MUST_EVIDENCED = Item(2, "Has a safeguarding policy", must_have=True, evidence_kind=SAFEGUARDING)
NICE = Item(3, "Involves the people it supports", must_have=False)
NICE_EVIDENCED = Item(4, "Public liability insurance", must_have=False, evidence_kind=INSURANCE)


def doc(kind=SAFEGUARDING, status="verified", expires_on=None, title="Safeguarding policy 2026", sha256="ab" * 32):
    return HeldEvidence(kind=kind, title=title, status=status, expires_on=expires_on, sha256=sha256)


VERIFIED = doc()
VERIFIED_LAST_DAY = doc(expires_on=TODAY)
EXPIRED = doc(expires_on=date(2026, 3, 1))
PENDING = doc(status="pending")
REJECTED = doc(status="rejected")
OTHER_KIND = doc(kind=INSURANCE, title="Insurance")


# item, answer, evidence held, outcome, met, blocks, still to do
CASES = [
    (MUST, Answer.YES, [], Outcome.CONFIRMED, True, False, False),
    (MUST, Answer.NO, [], Outcome.NOT_MET, False, True, False),
    (MUST, None, [], Outcome.UNANSWERED, False, False, True),
    (MUST, None, [VERIFIED], Outcome.UNANSWERED, False, False, True),  # the item names no evidence
    (MUST_EVIDENCED, None, [VERIFIED], Outcome.EVIDENCED, True, False, False),
    (MUST_EVIDENCED, None, [VERIFIED_LAST_DAY], Outcome.EVIDENCED, True, False, False),
    (MUST_EVIDENCED, None, [EXPIRED], Outcome.UNANSWERED, False, False, True),
    (MUST_EVIDENCED, None, [PENDING], Outcome.UNANSWERED, False, False, True),
    (MUST_EVIDENCED, None, [REJECTED], Outcome.UNANSWERED, False, False, True),
    (MUST_EVIDENCED, None, [OTHER_KIND], Outcome.UNANSWERED, False, False, True),
    (MUST_EVIDENCED, Answer.YES, [], Outcome.CONFIRMED, True, False, False),
    (MUST_EVIDENCED, Answer.YES, [VERIFIED], Outcome.CONFIRMED, True, False, False),
    (MUST_EVIDENCED, Answer.NO, [VERIFIED], Outcome.NOT_MET, False, True, False),  # the bidder's no counts
    (NICE, Answer.YES, [], Outcome.CONFIRMED, True, False, False),
    (NICE, Answer.NO, [], Outcome.NOT_MET, False, False, False),  # not a must-have: never blocks
    (NICE, None, [], Outcome.UNANSWERED, False, False, False),
    (NICE_EVIDENCED, None, [doc(kind=INSURANCE, expires_on=date(2027, 1, 1))], Outcome.EVIDENCED, True, False, False),
    (NICE_EVIDENCED, Answer.NO, [], Outcome.NOT_MET, False, False, False),
]


@pytest.mark.parametrize(("item", "answer", "held", "outcome", "met", "blocks", "to_do"), CASES)
def test_each_item_is_judged_by_the_rule(item, answer, held, outcome, met, blocks, to_do):
    answers = {item.id: answer} if answer is not None else {}
    [result] = assess([item], answers, held, TODAY)
    assert (result.outcome, result.met, result.blocks, result.to_do) == (outcome, met, blocks, to_do)
    assert result.answer == answer
    assert result.field == f"eligibility-{item.id}"
    assert blocking([result]) == ([result] if blocks else [])
    assert still_to_do([result]) == ([result] if to_do else [])


def test_a_checklist_is_judged_in_its_order_and_only_must_haves_answered_no_block():
    items = [MUST, MUST_EVIDENCED, NICE, NICE_EVIDENCED]
    answers = {MUST.id: Answer.NO, NICE.id: Answer.NO}
    results = assess(items, answers, [VERIFIED], TODAY)
    assert [r.item.id for r in results] == [1, 2, 3, 4]
    assert [r.item.id for r in blocking(results)] == [1]
    assert still_to_do(results) == []
    assert [r.outcome for r in results] == [Outcome.NOT_MET, Outcome.EVIDENCED, Outcome.NOT_MET, Outcome.UNANSWERED]


@pytest.mark.parametrize(
    ("document", "state"),
    [
        (VERIFIED, EvidenceState.COUNTS),
        (VERIFIED_LAST_DAY, EvidenceState.COUNTS),
        (EXPIRED, EvidenceState.EXPIRED),
        (PENDING, EvidenceState.PENDING),
        (doc(status="pending", expires_on=date(2020, 1, 1)), EvidenceState.PENDING),
        (REJECTED, EvidenceState.REJECTED),
    ],
)
def test_evidence_counts_only_when_verified_and_in_date(document, state):
    assert evidence_state(document, TODAY) == state


def test_the_best_document_is_one_that_counts_and_lasts_longest():
    later = doc(expires_on=date(2027, 6, 1), title="Renewed")
    sooner = doc(expires_on=date(2026, 9, 1), title="Old")
    assert best_evidence(SAFEGUARDING, [sooner, EXPIRED, later], TODAY).document == later
    assert best_evidence(SAFEGUARDING, [sooner, VERIFIED], TODAY).document == VERIFIED  # no expiry lasts longest
    assert best_evidence(SAFEGUARDING, [REJECTED, PENDING, EXPIRED], TODAY).state == EvidenceState.EXPIRED
    assert best_evidence(SAFEGUARDING, [REJECTED, PENDING], TODAY).state == EvidenceState.PENDING
    assert best_evidence(SAFEGUARDING, [OTHER_KIND], TODAY) is None
    assert best_evidence(None, [VERIFIED], TODAY) is None


@pytest.mark.parametrize(
    ("raw", "answers", "problems"),
    [
        ({1: "yes", 3: "no"}, {1: Answer.YES, 3: Answer.NO}, []),
        ({"1": " YES "}, {1: Answer.YES}, []),
        ({1: True, 3: False}, {1: Answer.YES, 3: Answer.NO}, []),
        ({1: "", 3: None}, {1: None, 3: None}, []),
        ({1: "maybe"}, {}, [AnswerProblem("eligibility-1", "not_an_answer")]),
        ({1: 1}, {}, [AnswerProblem("eligibility-1", "not_an_answer")]),
        ({99: "yes"}, {}, [AnswerProblem("eligibility-99", "unknown_item")]),
        ({"x": "yes", 1: "no"}, {1: Answer.NO}, [AnswerProblem("eligibility-x", "unknown_item")]),
    ],
)
def test_answers_are_read_strictly(raw, answers, problems):
    assert parse_answers(raw, [MUST, NICE]) == (answers, problems)


def test_a_receipt_covers_the_item_the_answer_and_the_evidence_relied_on():
    [met] = assess([MUST_EVIDENCED], {}, [doc(expires_on=date(2027, 1, 31))], TODAY)
    record = evidence_record(met)
    assert record == {
        "kind": "safeguarding_policy",
        "title": "Safeguarding policy 2026",
        "expires_on": "2027-01-31",
        "sha256": "ab" * 32,
    }
    assert receipt_row(MUST_EVIDENCED, None, record) == {
        "item": 2,
        "requirement": "Has a safeguarding policy",
        "must_have": True,
        "answer": None,
        "evidence": record,
    }
    [not_counted] = assess([MUST_EVIDENCED], {MUST_EVIDENCED.id: Answer.YES}, [EXPIRED], TODAY)
    assert evidence_record(not_counted) is None
    assert receipt_row(MUST_EVIDENCED, Answer.YES, None)["answer"] == "yes"


def test_evidence_with_no_expiry_is_kept_as_such_and_an_item_without_evidence_keeps_none():
    [met] = assess([MUST_EVIDENCED], {}, [VERIFIED], TODAY)
    assert evidence_record(met)["expires_on"] is None
    [confirmed] = assess([MUST], {MUST.id: Answer.YES}, [VERIFIED], TODAY)
    assert confirmed.evidence is None and evidence_record(confirmed) is None


def test_a_receipt_with_checklist_answers_is_format_2_and_one_without_is_exactly_as_before():
    base = {
        "bid": "b",
        "opportunity": "NB-2026-0001",
        "organisation": "GB-CHC-1",
        "lot": None,
        "answers": {1: "Our answer"},
        "documents": [],
        "budget": None,
        "price": Decimal("100"),
        "declarations": {},
    }
    before = receipts.submitted_content(**base)
    assert before["format"] == "1" and "eligibility" not in before
    assert receipts.submitted_content(**base, eligibility=[]) == before
    rows = [receipt_row(NICE, Answer.NO, None), receipt_row(MUST, Answer.YES, None)]
    after = receipts.submitted_content(**base, eligibility=rows)
    assert after["format"] == "2"
    assert [(row["item"], row["answer"]) for row in after["eligibility"]] == [("1", "yes"), ("3", "no")]
    assert {k: v for k, v in after.items() if k not in {"format", "eligibility"}} == {
        k: v for k, v in before.items() if k != "format"
    }
    changed = receipts.submitted_content(**base, eligibility=[receipt_row(MUST, Answer.NO, None), rows[0]])
    assert receipts.content_hash(changed) != receipts.content_hash(after)
