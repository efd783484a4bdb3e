"""Every route the advisor considers: its key, plain-English title and one-paragraph summary."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Route(StrEnum):
    GRANT_ONE_OFF = "grant_one_off"
    GRANT_PROGRAMME = "grant_programme"
    GRANT_THREE_YEAR = "grant_three_year"
    PARTICIPATORY_GRANT_ROUND = "participatory_grant_round"
    PARTNERSHIP_AGREEMENT = "partnership_agreement"
    OPEN_PROCEDURE = "open_procedure"
    COMPETITIVE_FLEXIBLE = "competitive_flexible"
    LIGHT_TOUCH_FLEXIBLE = "light_touch_flexible"
    FRAMEWORK_CALL_OFF = "framework_call_off"
    BELOW_THRESHOLD_QUOTATION = "below_threshold_quotation"
    BELOW_THRESHOLD_ADVERTISED = "below_threshold_advertised"
    DIRECT_AWARD = "direct_award"
    NEGOTIATED_PARTNERING = "negotiated_partnering"
    PSR_PROCESS = "psr_process"
    IN_HOUSE = "in_house"


GRANT_ROUTES = frozenset(
    {Route.GRANT_ONE_OFF, Route.GRANT_PROGRAMME, Route.GRANT_THREE_YEAR, Route.PARTICIPATORY_GRANT_ROUND}
)
COMPETITIVE_ROUTES = frozenset({Route.OPEN_PROCEDURE, Route.COMPETITIVE_FLEXIBLE, Route.LIGHT_TOUCH_FLEXIBLE})
BELOW_THRESHOLD_ROUTES = frozenset({Route.BELOW_THRESHOLD_QUOTATION, Route.BELOW_THRESHOLD_ADVERTISED})


@dataclass(frozen=True)
class RouteInfo:
    route: Route
    title: str
    summary: str


ROUTES: dict[Route, RouteInfo] = {
    info.route: info
    for info in (
        RouteInfo(
            Route.GRANT_THREE_YEAR,
            "Three-year grant",
            "Fund an organisation's own activity with a grant agreement for three years or more: the Compact's "
            "default for grants. The funder sets conditions on how the money is used and asks for proportionate "
            "reports, but receives nothing in return, so it is not a procurement.",
        ),
        RouteInfo(
            Route.GRANT_ONE_OFF,
            "One-off grant",
            "A single grant for a short, defined piece of work: a pilot, equipment, a one-year project or help "
            "in kind. Quick and light, but short-term money makes it hard for an organisation to plan or keep "
            "staff.",
        ),
        RouteInfo(
            Route.GRANT_PROGRAMME,
            "Grants programme (open call)",
            "Publish criteria and invite applications from any eligible organisation, then decide with a panel. "
            "Open and fair when several organisations could do the work; still not a procurement because the "
            "funder receives nothing in return.",
        ),
        RouteInfo(
            Route.PARTICIPATORY_GRANT_ROUND,
            "Participatory grant round",
            "Community groups propose projects and residents decide by vote which are funded (participatory "
            "budgeting). Best for community-led small grants: it puts decisions with the people affected and "
            "builds local participation.",
        ),
        RouteInfo(
            Route.PARTNERSHIP_AGREEMENT,
            "Partnership agreement",
            "A longer-term agreement with one provider or a consortium covering a package of services with "
            "broader social outcomes and delivery targets (the Isle of Wight's first tier). Where the authority "
            "pays for services it is a contract, so the partner is chosen through a lawful procurement.",
        ),
        RouteInfo(
            Route.OPEN_PROCEDURE,
            "Open procedure",
            "A single-stage competitive tender: anyone may bid against a published specification and the most "
            "advantageous tender wins. Simple and transparent, but every bidder writes a full bid, which is "
            "costly when many small organisations take part.",
        ),
        RouteInfo(
            Route.COMPETITIVE_FLEXIBLE,
            "Competitive flexible procedure",
            "A competitive procedure the authority designs itself, with stages such as shortlisting, dialogue or "
            "negotiation. Suits services that need co-design, innovation or risk-sharing, at the price of a "
            "longer and more demanding process.",
        ),
        RouteInfo(
            Route.LIGHT_TOUCH_FLEXIBLE,
            "Light touch competitive procedure",
            "For social, health, education and community services above the light touch threshold: a competitive "
            "procedure with the light touch flexibilities (no mandatory standstill, freedom to design the "
            "process around service users, reservation to public service mutuals for some services).",
        ),
        RouteInfo(
            Route.FRAMEWORK_CALL_OFF,
            "Call-off from a framework",
            "Buy from suppliers already appointed to a framework the authority can use, by a mini-competition "
            "among them or a stated selection method. Fast and cheap to run, but only suppliers on the framework "
            "can be chosen.",
        ),
        RouteInfo(
            Route.BELOW_THRESHOLD_QUOTATION,
            "Quotations (below threshold)",
            "Ask a few capable providers for quotations without advertising. Proportionate for small contracts; "
            "follow the authority's standing orders and publish the contract if it is notifiable.",
        ),
        RouteInfo(
            Route.BELOW_THRESHOLD_ADVERTISED,
            "Advertised opportunity (below threshold)",
            "Advertise a below-threshold contract openly, with a simple single-stage process and no separate "
            "pre-qualification. It can be reserved to local suppliers or to small organisations and VCSEs.",
        ),
        RouteInfo(
            Route.DIRECT_AWARD,
            "Direct award",
            "Award the contract to one supplier without competition. Lawful only on a ground in Schedule 5 to "
            "the Procurement Act 2023 (for example extreme and unavoidable urgency), announced first in a "
            "transparency notice.",
        ),
        RouteInfo(
            Route.NEGOTIATED_PARTNERING,
            "Negotiated partnering with the existing provider",
            "Negotiate a longer-term partnering agreement with the current provider instead of tendering, on a "
            "persuasive value-for-money business case: for example capital investment and lower revenue costs. "
            "Shorter than tendering, but it must fit the law and standing orders.",
        ),
        RouteInfo(
            Route.PSR_PROCESS,
            "Provider Selection Regime process",
            "For health care services: choose a provider through one of the Provider Selection Regime's "
            "processes (direct award A, B or C, most suitable provider, or competitive process) instead of the "
            "Procurement Act.",
        ),
        RouteInfo(
            Route.IN_HOUSE,
            "Deliver in-house",
            "The authority provides the service itself. No procurement, but it needs the capacity and skills, "
            "staff may transfer under TUPE, and the community's own organisations lose the work.",
        ),
    )
}

ORDER: tuple[Route, ...] = tuple(Route)
