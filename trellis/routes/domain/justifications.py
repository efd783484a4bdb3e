"""Direct award justifications: the grounds in Schedule 5 to the Procurement Act 2023 that Trellis offers.

A contracting authority may award a public contract directly only when s.41 and one of these grounds apply
(or ss.42–43). Each ground carries its Schedule 5 paragraph. Paragraphs 2–6 were checked against the text on
legislation.gov.uk; the urgency and user-choice paragraph numbers come from secondary sources and are marked
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
            verified=False,
            needs_urgency="extreme",
        ),
        Justification(
            "user_choice",
            "15",
            "User choice contracts",
            "A light touch contract for services to a person whose preference for a particular supplier is being "
            "respected (for example a care package they have chosen).",
            verified=False,
            categories=("light_touch",),
        ),
    )
}
