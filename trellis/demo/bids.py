"""The demo's bids: on the open befriending grant round, one provider has submitted a bid (with a full cost
budget and a receipt) and a volunteer-run association has a draft under way. Built through the bid services;
loading again adds nothing."""

from __future__ import annotations

from decimal import Decimal

from trellis.bids import selectors as bid_selectors
from trellis.bids import services as bid_services
from trellis.bids.domain.bidding import DECLARATIONS
from trellis.core.models import Person
from trellis.opportunities import selectors as opp_selectors
from trellis.organisations import selectors as org_selectors

OPPORTUNITY = "Tackling loneliness: three-year befriending grants"
SUBMITTED_BY = ("sandra.okafor@brookfieldpantry.example.org", "GB-CHC-1187342")
DRAFT_BY = ("maureen.clegg@hollinbanktra.example.org", "360G-northbridge-hollinbank-tra")
BUDGET = {
    "cost_centres": [
        {"name": "Befriending project", "direct_costs": "72000", "drivers": {"headcount": 2, "floor_area": 30}}
    ],
    "overheads": [
        {"name": "Premises", "amount": "9000", "driver": "floor_area"},
        {"name": "Finance and governance", "amount": "12000", "driver": "headcount"},
    ],
    "driver_totals": {"headcount": 6, "floor_area": 120},
}


def _answer(criterion) -> str:
    return (
        f"How we will meet “{criterion.name}”: trained volunteers visit or phone each person every week, we link "
        "people to lunch clubs and walking groups near them, and we ask them every three months how connected "
        "they feel, reporting the results to the council and to the people themselves."
    )


def confirm_eligibility(person: Person, bid, now=None) -> None:
    """The demo's bidders meet every item of the checklist, and say so."""
    items = bid_selectors.eligibility_items(bid.opportunity)
    if items:
        bid_services.bid_eligibility_save(actor=person, bid=bid, answers={i.id: "yes" for i in items}, now=now)


def load_bids(*, place, people: dict[str, Person]) -> int:
    """Create the demo bids that are missing. Returns how many were created."""
    opportunity = opp_selectors.opportunities_for_staff(place).filter(title=OPPORTUNITY).first()
    if opportunity is None or opportunity.status != "published":
        return 0
    created = 0
    lots = {lot.number: lot for lot in opportunity.lots.all()}
    for (email, org_id), submit, lot_number in ((SUBMITTED_BY, True, 2), (DRAFT_BY, False, 1)):
        person = people.get(email)
        organisation = org_selectors.organisation_by_org_id(org_id)
        if person is None or organisation is None:
            continue
        if bid_selectors.bids_for_organisation(person, organisation).filter(opportunity=opportunity).exists():
            continue
        bid = bid_services.bid_start(
            actor=person, opportunity=opportunity, organisation=organisation, lot=lots.get(lot_number)
        )
        criteria = [c for c in opportunity.criteria.all() if not c.is_price]
        answers = {c.pk: _answer(c) for c in (criteria if submit else criteria[:1])}
        bid_services.bid_answers_save(actor=person, bid=bid, answers=answers)
        if submit:
            confirm_eligibility(person, bid)
            bid_services.bid_budget_save(actor=person, bid=bid, budget=BUDGET, price=Decimal("81000"))
            bid_services.bid_declarations_sign(actor=person, bid=bid, keys=list(DECLARATIONS))
            bid_services.bid_submit(actor=person, bid=bid)
        created += 1
    return created
