"""The kinds of opportunity and their plain-English names."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    GRANT_ROUND = "grant_round"
    OPEN_TENDER = "open_tender"
    COMPETITIVE_FLEXIBLE = "competitive_flexible"
    MARKET_ENGAGEMENT = "market_engagement"
    FRAMEWORK = "framework"
    CALL_OFF = "call_off"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[Kind, str] = {
    Kind.GRANT_ROUND: "Grant round",
    Kind.OPEN_TENDER: "Tender (open procedure)",
    Kind.COMPETITIVE_FLEXIBLE: "Tender (competitive flexible procedure)",
    Kind.MARKET_ENGAGEMENT: "Market engagement or expression of interest",
    Kind.FRAMEWORK: "Framework with call-offs",
    Kind.CALL_OFF: "Call-off from a framework",
}

#: Kinds that are only made from another opportunity (a call-off from its awarded framework), never chosen directly.
DERIVED_KINDS: frozenset[Kind] = frozenset({Kind.CALL_OFF})
#: The kinds a person chooses when creating or editing an opportunity.
CHOOSABLE_KINDS: tuple[Kind, ...] = tuple(k for k in Kind if k not in DERIVED_KINDS)


class Stage(StrEnum):
    """The stages a competitive flexible procedure may use, in the order they usually run."""

    EXPRESSION_OF_INTEREST = "expression_of_interest"
    SHORTLIST = "shortlist"
    TENDER = "tender"
    DIALOGUE = "dialogue"
    NEGOTIATION = "negotiation"
    FINAL_TENDER = "final_tender"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS: dict[Stage, str] = {
    Stage.EXPRESSION_OF_INTEREST: "Expression of interest",
    Stage.SHORTLIST: "Shortlist",
    Stage.TENDER: "Tender",
    Stage.DIALOGUE: "Dialogue",
    Stage.NEGOTIATION: "Negotiation",
    Stage.FINAL_TENDER: "Final tender",
}

#: The stages offered by default for a competitive flexible procedure (issue 4; seed 001 Appendix B): dialogue
#: refines the tenders, so final tenders follow it and are what is evaluated (see ``stages.py``).
DEFAULT_FLEXIBLE_STAGES: tuple[Stage, ...] = (
    Stage.EXPRESSION_OF_INTEREST,
    Stage.SHORTLIST,
    Stage.TENDER,
    Stage.DIALOGUE,
    Stage.FINAL_TENDER,
)
