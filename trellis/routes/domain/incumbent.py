"""The seven incumbent scenarios of the five London boroughs' partnering report (Appendix E) and its verdicts.

The boroughs asked their procurement staff whether each scenario could be a business case for negotiating
with, or extending, an existing provider instead of tendering (§7.2.4–7.2.7):

* scenarios 2 and 4 were the most persuasive (capital investment *and* a cut in revenue costs);
* scenarios 1, 3 and 5 were possible in some cases, on conditions;
* scenarios 6 and 7 did not give enough guarantee of value for money on their own.

The report predates the Procurement Act 2023: a business case does not replace a Schedule 5 ground above the
threshold. The conditions below say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from . import sources


class Verdict(StrEnum):
    PERSUASIVE = "persuasive"
    POSSIBLE = "possible"
    NOT_PERSUASIVE = "not_persuasive"


GENERAL_CONDITIONS = (
    "A sound value-for-money business case, approved under the authority's contract standing orders (§7.2.4).",
    "Evidence that the service meets commissioning needs and that its performance is good (§7.2.4).",
)
LEGAL_CONDITION = (
    "Above the procurement threshold the business case does not replace the law: negotiating with the existing "
    "provider alone needs a Schedule 5 direct award ground, otherwise choose the partner through a competitive "
    "flexible procedure (Procurement Act 2023 s.41)."
)


@dataclass(frozen=True)
class Scenario:
    number: int
    title: str
    description: str
    verdict: Verdict
    conditions: tuple[str, ...]
    source: str


SCENARIOS: dict[int, Scenario] = {
    s.number: s
    for s in (
        Scenario(
            1,
            "Landlord-provider invests for a guaranteed period",
            "A housing association that is also the support provider will remodel or reprovide its supported "
            "housing (own capital or Social Housing Grant) if it is guaranteed to remain the support provider "
            "for a set number of years.",
            Verdict.POSSIBLE,
            (
                "The service is large volume or of particular strategic importance (§7.2.6).",
                "A tender-free period in return for capital investment is not enough on its own (§7.2.6).",
            ),
            sources.SEED_7_2_6,
        ),
        Scenario(
            2,
            "Landlord-provider invests and cuts revenue costs",
            "As scenario 1, and the provider will also negotiate down its current support funding in return for "
            "the certainty of a longer agreement.",
            Verdict.PERSUASIVE,
            (
                "Significant capital investment in the building where the service is delivered (§7.2.5).",
                "A negotiated reduction in current revenue costs (§7.2.5).",
            ),
            sources.SEED_7_2_5,
        ),
        Scenario(
            3,
            "Landlord invests if its managing agent stays",
            "A housing association will remodel or reprovide its supported housing if its present managing agent "
            "is guaranteed to remain the support provider for a set number of years.",
            Verdict.POSSIBLE,
            (
                "The service is large volume or of particular strategic importance (§7.2.6).",
                "A tender-free period in return for capital investment is not enough on its own (§7.2.6).",
            ),
            sources.SEED_7_2_6,
        ),
        Scenario(
            4,
            "Landlord invests, managing agent cuts revenue costs",
            "As scenario 3, and the managing agent will negotiate down its current support funding in return for "
            "greater certainty of business.",
            Verdict.PERSUASIVE,
            (
                "Significant capital investment in the building where the service is delivered (§7.2.5).",
                "A negotiated reduction in current revenue costs (§7.2.5).",
                "Weigh the standing and significance of the service and its existing quality: some authorities "
                "were reluctant to be told who should provide support (§7.2.5).",
            ),
            sources.SEED_7_2_5,
        ),
        Scenario(
            5,
            "Significant cost reduction for a longer contract",
            "An existing provider offers a significant reduction in revenue costs on its current schemes in "
            "return for a longer-term contract.",
            Verdict.POSSIBLE,
            (
                "The reduction is significant and measured against existing scheme costs (§7.2.6).",
                "The services are of good quality (§7.2.6).",
            ),
            sources.SEED_7_2_6,
        ),
        Scenario(
            6,
            "Promised reductions to a benchmark over time",
            "An existing provider promises to bring its costs down over time to compare well with benchmarks, in "
            "return for a longer-term contract.",
            Verdict.NOT_PERSUASIVE,
            ("A promise of future reductions does not give enough guarantee of value for money on its own (§7.2.7).",),
            sources.SEED_7_2_7,
        ),
        Scenario(
            7,
            "Open-book accounting for a longer contract",
            "An existing provider offers open-book accounting in return for a longer-term contract and an agreed "
            "minimum surplus; savings look likely in year one.",
            Verdict.NOT_PERSUASIVE,
            ("Open-book accounting with likely first-year savings is not enough on its own (§7.2.7).",),
            sources.SEED_7_2_7,
        ),
    )
}


@dataclass(frozen=True)
class IncumbentAssessment:
    scenario: int
    title: str
    description: str
    verdict: Verdict
    conditions: tuple[str, ...]
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "title": self.title,
            "description": self.description,
            "verdict": str(self.verdict),
            "conditions": list(self.conditions),
            "source": self.source,
        }


def assess_incumbent(scenario: int) -> IncumbentAssessment | None:
    """The report's verdict on an Appendix E scenario (1–7) with its conditions; None for no incumbent (0)."""
    if scenario == 0:
        return None
    if scenario not in SCENARIOS:
        raise ValueError(f"Incumbent scenario must be 0 to 7, not {scenario}.")
    s = SCENARIOS[scenario]
    conditions = s.conditions
    if s.verdict != Verdict.NOT_PERSUASIVE:
        conditions = (*conditions, *GENERAL_CONDITIONS, LEGAL_CONDITION)
    return IncumbentAssessment(
        scenario=s.number,
        title=s.title,
        description=s.description,
        verdict=s.verdict,
        conditions=conditions,
        source=f"{sources.SEED_APPENDIX_E}; {s.source}",
    )
