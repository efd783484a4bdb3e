"""What the eligibility rule's results (``domain.eligibility``) say to people, in their language.

The rule gives outcomes; these sentences are the same on the bidder's pages, in the service's refusal and on the
evaluators' page, so a bidder and a council officer read the same reason.
"""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext

from trellis.bids.domain.eligibility import EvidenceSeen, EvidenceState, ItemResult, Outcome
from trellis.organisations.domain.accreditation import EVIDENCE_LABELS


def _day(day: date) -> str:
    return date_format(day, "j F Y")


def blocked_reason(result: ItemResult) -> str:
    """Why a bid cannot be submitted: an essential item answered "no"."""
    return gettext(
        "Your bid cannot be submitted: you answered no to “%(item)s”, and this opportunity only accepts bids "
        "from organisations that meet it."
    ) % {"item": result.item.text}


def to_do_message(result: ItemResult) -> str:
    """An essential item still to answer."""
    return gettext("Answer “%(item)s” on the eligibility checklist.") % {"item": result.item.text}


def required_message(result: ItemResult) -> str:
    """The form's error for an essential item left unanswered."""
    return gettext("Select yes if your organisation meets “%(item)s”, or no if it does not.") % {
        "item": result.item.text
    }


def outcome_text(result: ItemResult) -> str:
    if result.outcome == Outcome.CONFIRMED:
        return gettext("Yes: confirmed by the bidder")
    if result.outcome == Outcome.EVIDENCED:
        return gettext("Met by verified evidence")
    if result.outcome == Outcome.NOT_MET:
        return gettext("No: the bidder does not meet this")
    return gettext("Not answered")


def evidence_text(seen: EvidenceSeen | None) -> str:
    """The evidence of the item's kind the organisation holds, and whether it counts ('' when there is none)."""
    if seen is None:
        return ""
    document = seen.document
    names = {"kind": EVIDENCE_LABELS[document.kind], "title": document.title}
    if seen.state == EvidenceState.COUNTS:
        if document.expires_on is None:
            return gettext("Verified evidence held: %(kind)s, “%(title)s”.") % names
        return gettext("Verified evidence held: %(kind)s, “%(title)s”, in date until %(day)s.") % {
            **names,
            "day": _day(document.expires_on),
        }
    if seen.state == EvidenceState.EXPIRED and document.expires_on is not None:
        return gettext("%(kind)s “%(title)s” ran out on %(day)s, so it does not count.") % {
            **names,
            "day": _day(document.expires_on),
        }
    if seen.state == EvidenceState.REJECTED:
        return gettext("%(kind)s “%(title)s” was not accepted when it was checked, so it does not count.") % names
    return gettext("%(kind)s “%(title)s” is waiting to be verified, so it does not count yet.") % names


def summary_rows(results: list[ItemResult]) -> list[dict[str, object]]:
    """Each item as the bid's pages and the evaluators' page show it."""
    return [
        {
            "id": r.item.id,
            "text": r.item.text,
            "must_have": r.item.must_have,
            "met": r.met,
            "blocks": r.blocks,
            "to_do": r.to_do,
            "outcome": outcome_text(r),
            "evidence": evidence_text(r.evidence),
            "reason": blocked_reason(r) if r.blocks else "",
        }
        for r in results
    ]
