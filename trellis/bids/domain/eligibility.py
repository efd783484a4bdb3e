"""The eligibility rule, in pure Python: does a bid meet each item of its opportunity's eligibility checklist, and
which items stop it being submitted?

An item is met when the bidder confirms it ("yes"), or, for an item the council linked to a kind of accreditation
evidence (a safeguarding policy, an insurance certificate…), when the organisation holds that evidence verified and
not expired on the day. A bidder's own "no" always counts: it is not overridden by evidence on file.

- A must-have item answered "no" stops the bid: it cannot be submitted, and the reason names the item.
- A must-have item neither answered nor met by evidence is still to do before submitting.
- An item that is not a must-have never stops a bid; a "no" is shown to the evaluators as it is.

The results carry outcomes, never sentences: the words are chosen by the edges, in the reader's language.
Field names follow the form: ``eligibility-<item id>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from trellis.organisations.domain.accreditation import EvidenceKind, expiry_status


class Answer(StrEnum):
    YES = "yes"
    NO = "no"


class Outcome(StrEnum):
    CONFIRMED = "confirmed"  # the bidder answered yes
    EVIDENCED = "evidenced"  # not answered, but the organisation holds current verified evidence
    NOT_MET = "not_met"  # the bidder answered no
    UNANSWERED = "unanswered"  # neither an answer nor evidence


#: Outcomes that meet an item.
MET = frozenset({Outcome.CONFIRMED, Outcome.EVIDENCED})


class EvidenceState(StrEnum):
    """Where a document of the item's kind stands on the day (only ``COUNTS`` meets an item)."""

    COUNTS = "counts"
    PENDING = "pending"  # uploaded, not yet verified
    REJECTED = "rejected"  # not accepted by the reviewer
    EXPIRED = "expired"  # verified, but out of date


@dataclass(frozen=True)
class Item:
    """One line of the checklist as the rule needs it."""

    id: int
    text: str
    must_have: bool
    evidence_kind: EvidenceKind | None = None


@dataclass(frozen=True)
class HeldEvidence:
    """A current (not superseded) document the organisation holds; ``status`` is the review status."""

    kind: EvidenceKind
    title: str
    status: str  # "pending", "verified" or "rejected"
    expires_on: date | None = None
    sha256: str = ""


@dataclass(frozen=True)
class EvidenceSeen:
    document: HeldEvidence
    state: EvidenceState

    @property
    def counts(self) -> bool:
        return self.state == EvidenceState.COUNTS


@dataclass(frozen=True)
class ItemResult:
    item: Item
    answer: Answer | None
    outcome: Outcome
    evidence: EvidenceSeen | None  # the best document of the item's kind, whether or not it counts

    @property
    def met(self) -> bool:
        return self.outcome in MET

    @property
    def blocks(self) -> bool:
        """A must-have item the bidder says they do not meet: the bid cannot be submitted."""
        return self.item.must_have and self.outcome == Outcome.NOT_MET

    @property
    def to_do(self) -> bool:
        """A must-have item still to answer."""
        return self.item.must_have and self.outcome == Outcome.UNANSWERED

    @property
    def field(self) -> str:
        return field_name(self.item.id)


def field_name(item_id: int) -> str:
    return f"eligibility-{item_id}"


def evidence_state(document: HeldEvidence, today: date) -> EvidenceState:
    if document.status == "rejected":
        return EvidenceState.REJECTED
    if document.status != "verified":
        return EvidenceState.PENDING
    if expiry_status(document.expires_on, today) == "expired":
        return EvidenceState.EXPIRED
    return EvidenceState.COUNTS


_PREFERENCE = {EvidenceState.COUNTS: 0, EvidenceState.EXPIRED: 1, EvidenceState.PENDING: 2, EvidenceState.REJECTED: 3}


def best_evidence(kind: EvidenceKind | None, held: Iterable[HeldEvidence], today: date) -> EvidenceSeen | None:
    """The document of ``kind`` that says most: one that counts (the latest expiry first, no expiry last of all
    being equal), else the nearest to counting. None when the item names no kind or none is held."""
    if kind is None:
        return None
    seen = [EvidenceSeen(d, evidence_state(d, today)) for d in held if d.kind == kind]
    if not seen:
        return None
    return min(
        seen,
        key=lambda s: (
            _PREFERENCE[s.state],
            -(s.document.expires_on.toordinal() if s.document.expires_on else date.max.toordinal()),
            s.document.title,
        ),
    )


def assess(
    items: Sequence[Item], answers: Mapping[int, Answer], held: Iterable[HeldEvidence], today: date
) -> list[ItemResult]:
    """Each item's outcome, in the checklist's order."""
    documents = list(held)
    results = []
    for item in items:
        answer = answers.get(item.id)
        evidence = best_evidence(item.evidence_kind, documents, today)
        if answer == Answer.YES:
            outcome = Outcome.CONFIRMED
        elif answer == Answer.NO:
            outcome = Outcome.NOT_MET
        elif evidence is not None and evidence.counts:
            outcome = Outcome.EVIDENCED
        else:
            outcome = Outcome.UNANSWERED
        results.append(ItemResult(item, answer, outcome, evidence))
    return results


def blocking(results: Iterable[ItemResult]) -> list[ItemResult]:
    """The must-have items answered "no": any one of them stops the bid."""
    return [r for r in results if r.blocks]


def still_to_do(results: Iterable[ItemResult]) -> list[ItemResult]:
    """The must-have items neither answered nor met by evidence."""
    return [r for r in results if r.to_do]


@dataclass(frozen=True)
class AnswerProblem:
    field: str
    problem: str  # "unknown_item" or "not_an_answer"


def parse_answers(
    raw: Mapping[Any, Any], items: Sequence[Item]
) -> tuple[dict[int, Answer | None], list[AnswerProblem]]:
    """``{item id: "yes" | "no" | True | False | "" | None}`` as answers (blank or None clears one), with a
    problem for each key that is not one of these items and each value that is not an answer."""
    known = {item.id for item in items}
    parsed: dict[int, Answer | None] = {}
    problems: list[AnswerProblem] = []
    for key, value in raw.items():
        try:
            item_id = int(key)
        except (TypeError, ValueError):
            problems.append(AnswerProblem(f"eligibility-{key}", "unknown_item"))
            continue
        if item_id not in known:
            problems.append(AnswerProblem(field_name(item_id), "unknown_item"))
            continue
        answer = _answer(value)
        if isinstance(answer, bool):
            problems.append(AnswerProblem(field_name(item_id), "not_an_answer"))
            continue
        parsed[item_id] = answer
    return parsed, problems


def _answer(value: Any) -> Answer | bool | None:
    """An Answer, None for blank, or False when ``value`` is not an answer at all (True and False mean yes and
    no)."""
    if value is None or value == "":
        return None
    if value is True:
        return Answer.YES
    if isinstance(value, bool):
        return Answer.NO
    if isinstance(value, str) and value.strip().lower() in {a.value for a in Answer}:
        return Answer(value.strip().lower())
    return False


def evidence_record(result: ItemResult) -> dict[str, Any] | None:
    """The document that met an item (kept with the bid when it is submitted), or None when none counts."""
    if result.evidence is None or not result.evidence.counts:
        return None
    document = result.evidence.document
    return {
        "kind": document.kind.value,
        "title": document.title,
        "expires_on": document.expires_on.isoformat() if document.expires_on else None,
        "sha256": document.sha256,
    }


def receipt_row(item: Item, answer: Answer | None, evidence: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a receipt covers of one checklist item: the item as the bidder read it, the answer, and the evidence
    relied on at submission."""
    return {
        "item": item.id,
        "requirement": item.text,
        "must_have": item.must_have,
        "answer": answer.value if answer is not None else None,
        "evidence": dict(evidence) if evidence else None,
    }
