"""Every route, assessed against the facts: suitable or not, a score, and reasons for and against with sources.

Each assessor starts from a base score and adds a weight for each reason (positive for, negative against).
A *blocking* reason makes the route unsuitable: it is not lawful or does not fit the purpose. Suitable routes
are ranked first by score (ties in catalogue order), then the unsuitable ones. The rules and weights are
listed in `docs/routes.md`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import sources
from .catalogue import ORDER, ROUTES, Route
from .context import Context
from .costs import CompetingCost
from .facts import Purpose
from .incumbent import LEGAL_CONDITION, Verdict
from .justifications import DIRECT_AWARD_JUSTIFICATIONS
from .money import gbp
from .notices import notices_for, standstill_for
from .regimes import psr_process
from .thresholds import Regime

BASE_SCORE: dict[Route, int] = {
    Route.GRANT_THREE_YEAR: 10,
    Route.GRANT_PROGRAMME: 8,
    Route.GRANT_ONE_OFF: 6,
    Route.PARTICIPATORY_GRANT_ROUND: 8,
    Route.PARTNERSHIP_AGREEMENT: 6,
    Route.OPEN_PROCEDURE: 6,
    Route.COMPETITIVE_FLEXIBLE: 6,
    Route.LIGHT_TOUCH_FLEXIBLE: 7,
    Route.FRAMEWORK_CALL_OFF: 6,
    Route.BELOW_THRESHOLD_QUOTATION: 6,
    Route.BELOW_THRESHOLD_ADVERTISED: 7,
    Route.DIRECT_AWARD: 6,
    Route.NEGOTIATED_PARTNERING: 6,
    Route.PSR_PROCESS: 10,
    Route.IN_HOUSE: 2,
}
SMALL_SHARE_HIGH = Decimal("0.5")
#: a cost of competing below this share of the value counts in a route's favour
LOW_COST_SHARE = Decimal("0.02")
ENOUGH_FOR_COMPETITION = 3


@dataclass(frozen=True)
class Reason:
    text: str
    for_: bool
    source: str
    weight: int = 0
    blocking: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "for": self.for_, "source": self.source}


@dataclass(frozen=True)
class RouteOption:
    route: Route
    title: str
    summary: str
    suitable: bool
    rank: int
    score: int
    reasons: tuple[Reason, ...]
    notices: tuple[str, ...]
    standstill_required: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": str(self.route),
            "title": self.title,
            "suitable": self.suitable,
            "rank": self.rank,
            "score": self.score,
            "summary": self.summary,
            "reasons": [r.to_dict() for r in self.reasons],
            "notices": list(self.notices),
            "standstill_required": self.standstill_required,
        }


@dataclass
class _Assessment:
    reasons: list[Reason] = field(default_factory=list)

    def pro(self, text: str, source: str, weight: int = 1) -> None:
        self.reasons.append(Reason(text, True, source, weight))

    def con(self, text: str, source: str, weight: int = -1) -> None:
        self.reasons.append(Reason(text, False, source, weight))

    def block(self, text: str, source: str) -> None:
        self.reasons.append(Reason(text, False, source, 0, blocking=True))

    @property
    def blocked(self) -> bool:
        return any(r.blocking for r in self.reasons)


# --- shared rules ----------------------------------------------------------------------------------


def _pct(share: Decimal) -> str:
    return f"{share * 100:.1f}%"


def _needs_a_contract(a: _Assessment, ctx: Context) -> None:
    if ctx.is_grant:
        a.block(
            "The money is to fund an organisation's own activity, not to buy something for the authority: a grant "
            "fits, a procurement route does not.",
            sources.GRANT_OR_CONTRACT,
        )


def _not_under_psr(a: _Assessment, ctx: Context) -> None:
    if ctx.is_psr:
        a.block(
            "Health care services bought by a local authority are procured under the Provider Selection Regime, "
            "not the Procurement Act.",
            sources.PA_REG_43,
        )


def _cost_reason(a: _Assessment, cost: CompetingCost | None, assumptions_share: Decimal) -> None:
    if cost is None or cost.process is None or cost.share_of_value is None:
        return
    text = (
        f"The cost of competing is about {gbp(cost.total_gbp)} ({gbp(cost.authority_gbp)} of the authority's "
        f"time and {gbp(cost.market_gbp)} across {cost.expected_bids} expected "
        f"bid{'s' if cost.expected_bids != 1 else ''}): {_pct(cost.share_of_value)} of the value"
    )
    if cost.disproportionate:
        a.con(f"{text}, above the {_pct(assumptions_share)} line: disproportionate.", sources.TRUE_COST, -2)
    elif cost.share_of_value < LOW_COST_SHARE:
        a.pro(f"{text}: low.", sources.TRUE_COST, 1)
    else:
        a.pro(f"{text}.", sources.TRUE_COST, 0)


def _competition_above_threshold(a: _Assessment, ctx: Context) -> None:
    if not ctx.above:
        a.block(
            f"The value ({gbp(ctx.facts.estimated_value_gbp)}) is below the {gbp(ctx.check.threshold_gbp)} threshold: "
            "a full tender procedure is more process than the law asks. An advertised below-threshold "
            "opportunity does the same job more simply.",
            sources.PA_S85,
        )
    else:
        a.pro(
            f"The value ({gbp(ctx.facts.estimated_value_gbp)}) is not less than the {gbp(ctx.check.threshold_gbp)} "
            "threshold: a competitive procedure is required unless a direct award ground applies.",
            ctx.check.source,
            2,
        )


def _below_threshold_only(a: _Assessment, ctx: Context) -> None:
    if ctx.above:
        a.block(
            f"The value ({gbp(ctx.facts.estimated_value_gbp)}) is not less than the {gbp(ctx.check.threshold_gbp)} "
            "threshold: a competitive procedure (or a Schedule 5 ground) is required.",
            ctx.check.source,
        )


def _incumbent_case(a: _Assessment, ctx: Context) -> None:
    """Against re-tendering when the partnering report found the incumbent's offer persuasive."""
    if ctx.incumbent and ctx.incumbent.verdict == Verdict.PERSUASIVE:
        a.con(
            f"The existing provider's offer (Appendix E scenario {ctx.incumbent.scenario}) was found the most "
            "persuasive case for negotiating instead of tendering.",
            sources.SEED_7_2_5,
        )


def _urgency(a: _Assessment, ctx: Context, *, slow: bool) -> None:
    urgency = str(ctx.facts.urgency)
    if urgency == "normal":
        return
    if slow:
        a.con(
            "The need is urgent and this route takes months: a tendering period, evaluation and any standstill.",
            sources.PA_S54,
            -2 if urgency == "extreme" else -1,
        )
    else:
        a.pro("The need is urgent and this route is quick to run.", sources.ASSUMPTION, 1)


def _user_choice_respected(a: _Assessment, ctx: Context) -> None:
    """A person's choice of provider for a light touch service makes a competition the wrong route."""
    f = ctx.facts
    if f.direct_award_justification == "user_choice" and ctx.is_light_touch and ctx.contract_regime == Regime.PA2023:
        a.block(
            "You named a user choice contract: the person has chosen their provider (or only one can meet their "
            "needs) and a competition would not be in their best interests. Award directly to respect their choice.",
            sources.PA_SCH5_USER_CHOICE,
        )


def _small_bidders(a: _Assessment, ctx: Context) -> None:
    share = ctx.facts.small_or_local_share
    if share is not None and share >= SMALL_SHARE_HIGH:
        a.con(
            f"{ctx.facts.capable_small_or_local} of the {ctx.facts.capable_providers} capable providers are small "
            "or local: a full bid costs them dearly. Consider lots, a simpler process or a consortium.",
            sources.PA_S12,
        )


# --- grants ------------------------------------------------------------------------------------------


def _grant_gate(a: _Assessment, ctx: Context) -> None:
    if not ctx.is_grant:
        a.block(
            "The authority is buying a service for its own requirement: when it receives services in return for "
            "payment (consideration) it is a contract, and procurement rules apply, whatever it is called.",
            f"{sources.GRANT_OR_CONTRACT}; {sources.WOKING_MUSEUM}",
        )


#: At or below this many months a need is a short, defined activity: one-off money fits, not a three-year grant.
SHORT_ACTIVITY_MONTHS = 12


def _grant_three_year(a: _Assessment, ctx: Context) -> None:
    _grant_gate(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if f.duration_months <= SHORT_ACTIVITY_MONTHS:
        a.block(
            f"The need is a defined activity of {f.duration_months} month{'s' if f.duration_months != 1 else ''}: "
            "the Compact's three-year norm is for ongoing funding, and a grant three times longer than the need "
            "would fund what is not needed. A one-off grant fits a short, defined activity.",
            f"{sources.COMPACT_FUNDING}; {sources.ISLE_OF_WIGHT_GRANTS}",
        )
        return
    own = f.purpose == Purpose.FUND_OWN_ACTIVITY
    a.pro(
        "The Compact's default for grants is three years or more: it lets the organisation plan, keep its staff "
        "and recover what it invests.",
        f"{sources.COMPACT_FUNDING}; {sources.THREE_YEAR_FUNDING}",
        4 if own else 0,
    )
    a.pro(
        "A grant is not a procurement: nothing is supplied to the authority in return, so there are no procurement "
        "notices, tendering periods or standstill.",
        sources.GRANT_NOT_PROCUREMENT,
        1 if own else 0,
    )
    if f.duration_months >= 36:
        a.pro(
            f"The need runs for {f.duration_months} months, which a three-year grant covers.", sources.COMPACT_FUNDING
        )
    else:
        a.con(
            f"The need runs for {f.duration_months} months, less than three years: say why a shorter grant is enough.",
            sources.COMPACT_FUNDING,
        )
    if not own:
        a.con(
            "For community-led small grants, one long grant to one organisation concentrates the money; a "
            "participatory or open round spreads it among community groups.",
            sources.PARTICIPATION,
            -3,
        )
    elif f.capable_providers >= ENOUGH_FOR_COMPETITION:
        a.con(
            f"{f.capable_providers} organisations could do similar work: an open grants programme would be more "
            "transparent and fairer.",
            sources.GOOD_COMPETITION,
        )


def _grant_one_off(a: _Assessment, ctx: Context) -> None:
    _grant_gate(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if f.duration_months <= 12 or f.innovation:
        a.pro(
            "Short-term grant funding suits small, shorter-term needs, piloting innovation and building capacity.",
            sources.ISLE_OF_WIGHT_GRANTS,
            2,
        )
    if f.duration_months > 12:
        a.con(
            f"The need runs for {f.duration_months} months: one-off money for an ongoing need goes against the "
            "Compact's three-year default.",
            sources.COMPACT_FUNDING,
            -2,
        )


def _grant_programme(a: _Assessment, ctx: Context) -> None:
    _grant_gate(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if f.purpose == Purpose.COMMUNITY_LED_SMALL_GRANTS:
        a.pro("An open call reaches many community groups fairly and transparently.", sources.GOOD_COMPETITION, 2)
    elif f.capable_providers >= ENOUGH_FOR_COMPETITION:
        a.pro(
            f"{f.capable_providers} organisations could apply: an open call is transparent and gives each an equal "
            "chance.",
            sources.GOOD_COMPETITION,
            2,
        )
    elif f.capable_providers < 2:
        a.con(
            "Few organisations could apply: the effort of running a programme is hard to justify.",
            sources.TRUE_COST,
        )


def _participatory(a: _Assessment, ctx: Context) -> None:
    _grant_gate(a, ctx)
    if a.blocked:
        return
    if ctx.facts.purpose != Purpose.COMMUNITY_LED_SMALL_GRANTS:
        a.block(
            "A participatory round is for community-led small grants, where residents choose among community "
            "groups' proposals.",
            sources.PARTICIPATION,
        )
        return
    a.pro(
        "Residents decide which community proposals are funded: it builds participation and puts decisions with "
        "the people affected.",
        sources.PARTICIPATION,
        4,
    )
    a.con(
        "Participation needs to be well run and properly resourced, especially where communities feel "
        "disempowered or divided.",
        sources.BETTER_WAY,
        0,
    )


# --- partnership and partnering -------------------------------------------------------------------------


def _partnership(a: _Assessment, ctx: Context) -> None:
    f = ctx.facts
    if f.purpose == Purpose.COMMUNITY_LED_SMALL_GRANTS:
        a.block(
            "Community-led small grants are spread among many groups; a partnership agreement is with one partner "
            "or consortium.",
            sources.ISLE_OF_WIGHT_PA,
        )
        return
    if f.duration_months <= SHORT_ACTIVITY_MONTHS:
        a.block(
            f"A need of {f.duration_months} month{'s' if f.duration_months != 1 else ''} is too short for a "
            "partnership: its benefits take two to three years to arrive, and providers saw five to six years as "
            "the minimum.",
            sources.partnering("§7.1.2 and Appendix C"),
        )
        return
    persuasive = ctx.incumbent is not None and ctx.incumbent.verdict == Verdict.PERSUASIVE
    lead = str(f.cross_authority) == "lead_authority"
    if f.needs_codesign:
        a.pro(
            "The service needs co-design: partnership agreements suit a mix of broader social outcomes and "
            "specific delivery targets, and services needing significant remodelling.",
            f"{sources.ISLE_OF_WIGHT_PA}; {sources.SEED_7_3_2}",
            2,
        )
    if persuasive:
        a.pro(
            "The existing provider's offer makes a longer-term partnering relationship persuasive.",
            sources.SEED_7_2_5,
            2,
        )
    if lead:
        a.pro(
            "A lead authority is commissioning for several authorities: providers were particularly keen on "
            "cross-authority partnering.",
            sources.SEED_CROSS_AUTHORITY,
        )
    if not (f.needs_codesign or persuasive or lead):
        a.block(
            "Nothing in the facts calls for a partnership: they suit high-value or high-profile services that "
            "need co-design, remodelling or investment.",
            f"{sources.ISLE_OF_WIGHT_PA}; {sources.SEED_7_3_2}",
        )
        return
    if f.duration_months >= 60:
        a.pro(
            f"The {f.duration_months}-month term suits partnering: providers saw five to six years as the minimum.",
            sources.partnering("Appendix C"),
        )
    a.con(
        "Partnering costs more at first and its benefits take two to three years to arrive.",
        sources.partnering("§7.1.2 and Appendix C"),
    )
    if f.small_or_local_share is not None and f.small_or_local_share >= SMALL_SHARE_HIGH:
        a.con(
            "Small providers risk being shut out: partnering may only be realistic for larger organisations unless "
            "they can join a consortium.",
            sources.partnering("Appendix C"),
        )
    if ctx.is_psr:
        a.pro("Choose the partner through a Provider Selection Regime process.", sources.PSR_PROCESSES, 0)
    elif not ctx.is_grant and ctx.above:
        a.con(
            "Above the threshold the partner must be chosen through a competitive procedure (the partnering "
            "report's first action plan: tendering for partnering).",
            f"{sources.SEED_4_4_1}; {sources.PA_S20}",
            0,
        )


def _negotiated(a: _Assessment, ctx: Context) -> None:
    _needs_a_contract(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if ctx.is_psr:
        a.block(
            "For health care, continuing with an existing provider is done through the Provider Selection Regime "
            "(direct award process C), not negotiated partnering.",
            sources.PSR_DA_C,
        )
        return
    if ctx.incumbent is None:
        a.block("Negotiated partnering is with an existing provider, and the facts name none.", sources.SEED_4_4_2)
        return
    verdict = ctx.incumbent.verdict
    if verdict == Verdict.NOT_PERSUASIVE:
        a.block(
            f"Appendix E scenario {ctx.incumbent.scenario} does not give enough guarantee of value for money on its "
            "own to justify negotiating instead of tendering.",
            sources.SEED_7_2_7,
        )
    elif verdict == Verdict.PERSUASIVE:
        a.pro(
            f"Appendix E scenario {ctx.incumbent.scenario} (capital investment and lower revenue costs) was the most "
            "persuasive business case for negotiating instead of tendering.",
            sources.SEED_7_2_5,
            4,
        )
    else:
        a.pro(
            f"Appendix E scenario {ctx.incumbent.scenario} could justify negotiating in some cases: "
            + " ".join(ctx.incumbent.conditions[:2]),
            sources.SEED_7_2_6,
            1,
        )
        a.con("Only if those conditions are met and documented in the business case.", sources.SEED_7_2_6)
    if ctx.above:
        justification = DIRECT_AWARD_JUSTIFICATIONS.get(f.direct_award_justification)
        if justification is None:
            a.block(LEGAL_CONDITION, sources.PA_S41)
        else:
            a.pro(
                f"Above the threshold it is a direct award: you named '{justification.title}'.",
                justification.citation,
                0,
            )
    a.pro("Negotiated partnering is a shorter process than tendering.", sources.SEED_4_4_2)
    a.pro(
        "It avoids a new provider being appointed midway through the existing provider's development or "
        "improvement work.",
        sources.SEED_APPENDIX_E,
        0,
    )
    if f.needs_codesign:
        a.pro("The service needs remodelling or co-design with the provider.", sources.SEED_7_3_2)
    a.con(
        "It needs a persuasive value-for-money business case approved under contract standing orders, with "
        "evidence the service meets commissioning needs and performs well.",
        f"{sources.SEED_4_2_2}; {sources.SEED_7_2_4}",
        0,
    )


# --- competitive procedures -------------------------------------------------------------------------------


def _open(a: _Assessment, ctx: Context) -> None:
    _needs_a_contract(a, ctx)
    _not_under_psr(a, ctx)
    _user_choice_respected(a, ctx)
    if a.blocked:
        return
    _competition_above_threshold(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    a.pro("A single stage with a published specification: the simplest competitive procedure.", sources.PA_S20, 0)
    if f.capable_providers >= ENOUGH_FOR_COMPETITION:
        a.pro(
            f"The directory knows {f.capable_providers} capable providers: there is real competition.",
            sources.GOOD_COMPETITION,
        )
    elif f.capable_providers == 0:
        a.con("The directory knows no capable provider: engage the market before tendering.", sources.PA_UK2)
    if f.needs_codesign or f.innovation:
        a.con(
            "A single-stage tender fixes the specification in advance: there is no room for the co-design or "
            "innovation this need calls for.",
            f"{sources.PA_S20}; {sources.BETTER_WAY}",
            -2,
        )
    if ctx.is_light_touch:
        a.con(
            "For light touch services the light touch procedure offers flexibility the open procedure does not use.",
            sources.PA_S9,
        )
    if str(f.risk) == "high":
        a.con(
            "High risk is better shared through dialogue than fixed in a single-stage tender.",
            sources.COMPACT_MONITORING,
        )
    _urgency(a, ctx, slow=True)
    _small_bidders(a, ctx)
    _incumbent_case(a, ctx)


def _flexible(a: _Assessment, ctx: Context) -> None:
    _needs_a_contract(a, ctx)
    _not_under_psr(a, ctx)
    _user_choice_respected(a, ctx)
    if a.blocked:
        return
    _competition_above_threshold(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if f.needs_codesign:
        a.pro("Dialogue and negotiation stages make room for co-design with providers.", sources.PA_S20, 2)
    if f.innovation:
        a.pro("Negotiation lets bidders propose innovative solutions.", sources.PA_S20, 2)
    if str(f.risk) == "high":
        a.pro(
            "High risk can be discussed and placed with whoever is best able to manage it.", sources.COMPACT_MONITORING
        )
    if ctx.incumbent and ctx.incumbent.verdict != Verdict.NOT_PERSUASIVE:
        a.pro(
            "A partnering relationship can be tendered: shortlist, tender and negotiate with the preferred provider.",
            sources.SEED_4_4_1,
        )
    if str(f.cross_authority) == "lead_authority":
        a.pro("Several authorities' needs can be worked through in dialogue.", sources.SEED_CROSS_AUTHORITY)
    if ctx.is_light_touch:
        a.con(
            "For light touch services use the light touch procedure: the same, with its flexibilities.", sources.PA_S9
        )
    if ctx.contract_regime == Regime.PCR2015:
        a.con(
            "Under the PCR 2015 the equivalents are the restricted procedure, the competitive procedure with "
            "negotiation and competitive dialogue.",
            sources.PA_COMMENCEMENT,
            0,
        )
    _reservations(a, ctx)
    a.con("More stages make it longer and more demanding for the authority and for bidders.", sources.TRUE_COST)
    _urgency(a, ctx, slow=True)
    _small_bidders(a, ctx)


#: Reservation to public service mutuals: at most five years under the Act (s.33(1)(b)), three under the PCR.
MUTUAL_MAX_MONTHS = {Regime.PA2023: 60, Regime.PCR2015: 36}


def _reservations(a: _Assessment, ctx: Context) -> None:
    """Who a competitive flexible procedure may be reserved to (above the threshold, under the Act or the PCR)."""
    f = ctx.facts
    if ctx.contract_regime == Regime.PA2023:
        a.pro(
            "It can be reserved to supported employment providers (at least 30% of the workforce disabled or "
            "disadvantaged), for any kind of contract.",
            sources.PA_S32,
            0,
        )
    longest = MUTUAL_MAX_MONTHS.get(ctx.contract_regime)
    if longest is None or not ctx.is_light_touch:
        return
    source = sources.PA_S33 if ctx.contract_regime == Regime.PA2023 else sources.PCR_REG_77
    if f.duration_months <= longest:
        a.pro(
            "If the service is marked 'R' (reservable), it can be reserved to public service mutuals: run on a "
            "not-for-profit basis or for their members, under their employees' management and control, and not "
            "awarded a comparable contract by you this way in the last three years.",
            source,
            0,
        )
    else:
        a.con(
            f"The {f.duration_months}-month term is over the {longest // 12}-year limit for reserving the contract "
            "to public service mutuals: that reservation is not open.",
            source,
            0,
        )


def _light_touch(a: _Assessment, ctx: Context) -> None:
    _needs_a_contract(a, ctx)
    _not_under_psr(a, ctx)
    _user_choice_respected(a, ctx)
    if a.blocked:
        return
    if not ctx.is_light_touch:
        a.block(
            "Only for light touch services (social, health, education and other services provided directly to people).",
            sources.PA_S9,
        )
        return
    _competition_above_threshold(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if ctx.contract_regime == Regime.PCR2015:
        a.pro(
            "Light touch services can use a process the authority designs around service users, with time limits "
            "that are reasonable and proportionate; the 10-day standstill still applies.",
            sources.PCR_LTR,
            3,
        )
    else:
        a.pro(
            "Light touch services can use a process designed around service users, with no minimum tendering "
            "period and no mandatory standstill.",
            f"{sources.PA_S9}; {sources.PA_S54_LIGHT_TOUCH}; {sources.PA_S51_3F}",
            3,
        )
    _reservations(a, ctx)
    if f.needs_codesign:
        a.pro("The process can include co-design with providers and service users.", sources.PA_S9)
    if f.innovation:
        a.pro("Negotiation stages leave room for innovation.", sources.PA_S20)
    if str(f.risk) == "high":
        a.pro("High risk can be discussed with bidders and shared sensibly.", sources.COMPACT_MONITORING)
    _urgency(a, ctx, slow=True)
    _small_bidders(a, ctx)
    _incumbent_case(a, ctx)


# --- other procurement routes -------------------------------------------------------------------------------


def _framework(a: _Assessment, ctx: Context) -> None:
    _needs_a_contract(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if not (f.existing_framework or str(f.cross_authority) == "framework_access"):
        a.block("There is no framework the authority can call off from.", sources.PA_S49)
        return
    a.pro("Suppliers are already appointed: a call-off is quick and cheap to run.", sources.PA_S49, 4)
    if ctx.is_psr:
        a.con(
            "For health care services only a framework concluded under the Provider Selection Regime's "
            "competitive process can be called off, with its notices and standstill; a Procurement Act framework "
            "cannot be used. Check which regime the framework was let under.",
            sources.PSR_FRAMEWORKS,
            -3,
        )
    if f.capable_small_or_local:
        a.con(
            "Only the framework's suppliers can be chosen: small or local organisations not on it are shut out.",
            f"{sources.AGGREGATION}; {sources.PA_S12}",
        )
    if f.needs_codesign:
        a.con("The framework's terms leave little room for co-design.", sources.PA_S49)
    _urgency(a, ctx, slow=False)


def _quotation(a: _Assessment, ctx: Context) -> None:
    _needs_a_contract(a, ctx)
    _not_under_psr(a, ctx)
    _user_choice_respected(a, ctx)
    if a.blocked:
        return
    _below_threshold_only(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if ctx.notifiable:
        a.con(
            f"At {gbp(f.estimated_value_gbp)} the contract is notifiable: publish a contract details notice, and "
            "consider advertising for fairness and transparency.",
            f"{sources.PA_S87}; {sources.GOOD_COMPETITION}",
        )
    elif not ctx.above:
        a.pro("A small contract: asking a few providers for quotations is proportionate.", sources.TRUE_COST, 3)
    if f.capable_small_or_local:
        a.pro(f"Invite the {f.capable_small_or_local} small or local providers the directory knows.", sources.PA_S12)
    if f.capable_providers == 0:
        a.con("The directory knows no capable provider to ask.", sources.ASSUMPTION)
    if f.needs_codesign:
        a.con("Quotations against a fixed specification leave no room for co-design.", sources.BETTER_WAY)
    _urgency(a, ctx, slow=False)
    _incumbent_case(a, ctx)


def _advertised(a: _Assessment, ctx: Context) -> None:
    _needs_a_contract(a, ctx)
    _not_under_psr(a, ctx)
    _user_choice_respected(a, ctx)
    if a.blocked:
        return
    _below_threshold_only(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if ctx.check.works_selection_stage and ctx.check.works_selection_from_gbp is not None:
        a.pro(
            f"Open and fair. At {gbp(f.estimated_value_gbp)} this works contract may have a selection "
            "(pre-qualification) stage: the bar on restricting bidders by suitability stops at "
            f"{gbp(ctx.check.works_selection_from_gbp)}.",
            sources.PA_S85_WORKS,
            2,
        )
    else:
        a.pro(
            "Open and fair, with a simple single stage and no separate pre-qualification.",
            f"{sources.PA_S85}; {sources.GOOD_COMPETITION}",
            2,
        )
    if ctx.notifiable:
        a.pro(
            "The contract is notifiable: publish a below-threshold tender notice before advertising anywhere else, "
            "and a contract details notice after award.",
            sources.PA_S87,
        )
    elif not ctx.above:
        a.con("For a contract this small, quotations are quicker and cost bidders less.", sources.TRUE_COST)
    if f.capable_small_or_local:
        a.pro(
            "It can be reserved to suppliers in the area or to small organisations and VCSEs.",
            sources.PPN_005,
        )
    if f.needs_codesign:
        a.con("A single-stage process leaves little room for co-design.", sources.BETTER_WAY)
    _urgency(a, ctx, slow=str(f.urgency) == "extreme")
    _incumbent_case(a, ctx)


def _direct(a: _Assessment, ctx: Context) -> None:
    _needs_a_contract(a, ctx)
    if a.blocked:
        return
    f = ctx.facts
    if ctx.is_psr:
        a.block(
            "For health care use the Provider Selection Regime's own direct award processes (A, B or C).",
            sources.PSR_PROCESSES,
        )
        return
    key = f.direct_award_justification
    if not key:
        a.block("A direct award is lawful only on a named Schedule 5 ground, and none has been named.", sources.PA_S41)
        return
    j = DIRECT_AWARD_JUSTIFICATIONS[key]
    if j.needs_urgency and str(f.urgency) != j.needs_urgency:
        a.block(
            f"You named '{j.title}', but the facts say the urgency is '{f.urgency}', not extreme and unavoidable.",
            j.citation,
        )
    if j.categories and str(f.service_category) not in j.categories:
        a.block(f"'{j.title}' applies only to light touch services.", j.citation)
    if a.blocked:
        return
    a.pro(f"You named the ground '{j.title}': {j.text}", j.citation, 3)
    a.con(
        "Publish a transparency notice before the award: the ground is public and can be challenged.",
        sources.PA_S44,
        0,
    )
    if key == "extreme_urgency":
        a.pro("The urgency is extreme: a competition could not be run in time.", j.citation, 2)
        a.con(
            "Buy only what is needed to cope with the urgency, and compete the longer-term need.",
            j.citation,
            0,
        )
    if not j.verified:
        a.con(f"Check the Act: {j.citation}.", j.citation, 0)
    if not ctx.above and ctx.contract_regime == Regime.PA2023:
        a.con(
            "Below the threshold the Act does not require competition; the ground records why you chose one "
            "supplier, and standing orders still apply.",
            sources.PA_S85,
            0,
        )
    if ctx.contract_regime == Regime.PCR2015:
        a.con("Under the PCR 2015 the matching ground is in regulation 32: check it.", sources.PCR_DIRECT, 0)


def _psr(a: _Assessment, ctx: Context) -> None:
    f = ctx.facts
    if str(f.service_category) != "health_care":
        a.block("The Provider Selection Regime is only for health care services.", sources.PSR_REGS)
        return
    if not ctx.is_psr:
        a.block("The Provider Selection Regime applies to procurements from 1 January 2024.", sources.PSR_REGS)
        return
    _needs_a_contract(a, ctx)
    if a.blocked:
        return
    a.pro(
        "Health care services bought by a local authority fall under the Provider Selection Regime, not the "
        "Procurement Act; it has no value threshold.",
        f"{sources.PA_REG_43}; {sources.PSR_REGS}",
        5,
    )
    a.pro(psr_process(ctx).text, sources.PSR_PROCESSES, 1 if f.incumbent_scenario else 0)
    a.con(
        "If the service mixes health care with other services (social care, say), the Provider Selection Regime "
        "applies only if health care is the main part by value and the rest could not reasonably be bought "
        "separately; otherwise the Procurement Act applies.",
        sources.PSR_MIXED,
        0,
    )


def _in_house(a: _Assessment, ctx: Context) -> None:
    f = ctx.facts
    if ctx.is_grant:
        a.block(
            "The money is meant to fund community organisations' own activity: delivering it in-house would not.",
            sources.GRANT_OR_CONTRACT,
        )
        return
    a.pro("No procurement: no notices, standstill or bidding costs.", sources.TRUE_COST, 0)
    if f.capable_providers == 0:
        a.pro("The directory knows no capable provider.", sources.ASSUMPTION, 2)
    a.con(
        "It needs capacity and skills the authority may not have, and loses local organisations' knowledge and reach.",
        f"{sources.BETTER_WAY}; {sources.RISK_AVERSION}",
        -2,
    )
    if f.incumbent_scenario:
        a.con(
            "Bringing an existing service in-house is likely to transfer its staff under TUPE.",
            sources.TUPE_SPC,
        )


ASSESSORS: dict[Route, Callable[[_Assessment, Context], None]] = {
    Route.GRANT_THREE_YEAR: _grant_three_year,
    Route.GRANT_ONE_OFF: _grant_one_off,
    Route.GRANT_PROGRAMME: _grant_programme,
    Route.PARTICIPATORY_GRANT_ROUND: _participatory,
    Route.PARTNERSHIP_AGREEMENT: _partnership,
    Route.OPEN_PROCEDURE: _open,
    Route.COMPETITIVE_FLEXIBLE: _flexible,
    Route.LIGHT_TOUCH_FLEXIBLE: _light_touch,
    Route.FRAMEWORK_CALL_OFF: _framework,
    Route.BELOW_THRESHOLD_QUOTATION: _quotation,
    Route.BELOW_THRESHOLD_ADVERTISED: _advertised,
    Route.DIRECT_AWARD: _direct,
    Route.NEGOTIATED_PARTNERING: _negotiated,
    Route.PSR_PROCESS: _psr,
    Route.IN_HOUSE: _in_house,
}


def assess_routes(
    ctx: Context, costs: dict[Route, CompetingCost], disproportionate_share: Decimal
) -> tuple[RouteOption, ...]:
    """Every route with its suitability, reasons and rank (1 = best; unsuitable routes after suitable ones)."""
    assessed = []
    for route in ORDER:
        a = _Assessment()
        ASSESSORS[route](a, ctx)
        if not a.blocked:
            _cost_reason(a, costs.get(route), disproportionate_share)
        score = BASE_SCORE[route] + sum(r.weight for r in a.reasons)
        assessed.append((route, not a.blocked, score, a.reasons))
    ordered = sorted(assessed, key=lambda item: (not item[1], -item[2], ORDER.index(item[0])))
    options = []
    for rank, (route, suitable, score, reasons) in enumerate(ordered, start=1):
        info = ROUTES[route]
        # blocking reasons first, then reasons for, then against
        shown = sorted(reasons, key=lambda r: (not r.blocking, not r.for_))
        options.append(
            RouteOption(
                route=route,
                title=info.title,
                summary=info.summary,
                suitable=suitable,
                rank=rank,
                score=score,
                reasons=tuple(shown),
                notices=tuple(n.code for n in notices_for(route, ctx) if n.required),
                standstill_required=standstill_for(route, ctx).required,
            )
        )
    return tuple(options)
