"""The conflicts assessment: before publishing a tender notice the authority prepares one, and keeps it under review
until the contract is entered into (Procurement Act 2023 s.83; the duties to identify conflicts and to mitigate them
are ss.81–82). Pure rules: which opportunities need one, and what a complete one says."""

from __future__ import annotations

from trellis.opportunities.domain.kinds import Kind

SOURCE = (
    "Procurement Act 2023 s.83(1)–(2) (a conflicts assessment before publishing a tender notice) and s.83(4) (kept "
    "under review); ss.81–82 (identify conflicts of interest and take all reasonable steps to mitigate them)"
)
#: The kinds of opportunity that publish a tender notice under the Act. Grants and market engagement are not
#: procurements; a call-off is awarded under its framework, whose assessment covers it.
NEEDS_ASSESSMENT = frozenset({Kind.OPEN_TENDER, Kind.COMPETITIVE_FLEXIBLE, Kind.FRAMEWORK})
MAX_TEXT = 10_000


def needs_assessment(kind: str, regime: str = "") -> bool:
    return kind in NEEDS_ASSESSMENT and regime != "not_procurement"


def assessment_problems(*, conflicts: str, mitigation: str, declarations_sought: bool) -> dict[str, list[str]]:
    """Each field's problems (empty when the assessment is complete): the conflicts found (or that none were), the
    steps taken where any were found, and that everyone who can influence the procurement was asked to declare."""
    problems: dict[str, list[str]] = {}
    if not conflicts:
        problems["conflicts"] = [
            "Say which conflicts of interest, actual or potential, were identified, or that none were."
        ]
    elif len(conflicts) > MAX_TEXT:
        problems["conflicts"] = ["Keep this to 10,000 characters or fewer."]
    if len(mitigation) > MAX_TEXT:
        problems["mitigation"] = ["Keep this to 10,000 characters or fewer."]
    if not declarations_sought:
        problems["declarations_sought"] = [
            "Confirm that everyone acting for the authority who can influence the procurement was asked to declare "
            "any conflict (Procurement Act 2023 s.81)."
        ]
    return problems
