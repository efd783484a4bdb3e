"""Direct award justifications: the grounds in Schedule 5 to the Procurement Act 2023 that Trellis offers.

A contracting authority may award a public contract directly only when s.41 and one of these grounds apply
(or ss.42–43). Each ground carries its Schedule 5 paragraph, checked against the Act's text: paragraphs 2–6, 13
(extreme and unavoidable urgency, the paragraph s.41(5)(d) and s.51(3)(a) refer to) and 15 (user choice contracts,
the paragraph s.44(3), s.50(6)(b) and s.53(6)(b) refer to). A ground whose paragraph could not be checked is marked
``verified=False`` so the page can say so. Other grounds (additional or repeat supplies, commodities,
advantageous terms on insolvency, defence and security) rarely fit community services and are not offered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Justification:
    key: str
    paragraph: str
    title: str
    text: str
    verified: bool
    #: service categories it can apply to; empty = any
    categories: tuple[str, ...] = ()
    #: the urgency the facts must state for the ground to be credible; "" = any
    needs_urgency: str = ""

    @property
    def citation(self) -> str:
        mark = "" if self.verified else " (paragraph number not verified: check the Act)"
        return f"Procurement Act 2023 Schedule 5 paragraph {self.paragraph}{mark}"


DIRECT_AWARD_JUSTIFICATIONS: dict[str, Justification] = {
    j.key: j
    for j in (
        Justification(
            "prototype_novel",
            "2–3",
            "Prototypes and development",
            "A prototype or other novel goods or services, designed at the authority's request, for testing, "
            "researching viability at scale, or other research and development.",
            verified=True,
        ),
        Justification(
            "unique_art",
            "4",
            "A unique work of art or artistic performance",
            "The contract is for creating or acquiring a unique work of art or artistic performance.",
            verified=True,
        ),
        Justification(
            "exclusive_rights",
            "5",
            "Exclusive rights",
            "Only one supplier can supply because of intellectual property or other exclusive rights, and there "
            "are no reasonable alternatives.",
            verified=True,
        ),
        Justification(
            "technical_monopoly",
            "6",
            "No competition for technical reasons",
            "Only one supplier can supply because competition is absent for technical reasons, and there are no "
            "reasonable alternatives.",
            verified=True,
        ),
        Justification(
            "extreme_urgency",
            "13",
            "Extreme and unavoidable urgency",
            "Strictly necessary for reasons of extreme and unavoidable urgency that the authority did not cause and "
            "could not foresee; only what is needed to cope with the urgency, not for long-term use.",
            verified=True,
            needs_urgency="extreme",
        ),
        Justification(
            "user_choice",
            "15",
            "User choice contracts",
            "A light touch service for a particular person, where the law asks the authority to have regard to their "
            "views: they (or their carer) prefer a supplier, or only one can meet their needs, and a competition "
            "would not be in their best interests (paragraphs 16 and 17).",
            verified=True,
            categories=("light_touch",),
        ),
    )
}
