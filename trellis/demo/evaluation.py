"""The demo's whole commissioning story, from a need to the assessment summaries (data/evaluation.json).

Three saved route decisions lead to three opportunities, each taken through the services exactly as people would:
published on the forward plan, bid for (with full cost budgets, and one bid by a consortium led by a small local
charity), closed, opened and evaluated by a panel of officers, an external expert and a citizen commissioner.

- "Community hubs": a three-year grant round for small community groups, in two lots. A citizen commissioner
  declares a conflict with one bidder, which recuses her from every bid in its lot; moderation settles a
  divergence; the award is approved, so every bidder has its assessment summary. Grants have no standstill.
- "Family Hubs early help service": a light touch contract worth £900,000, above the £663,540 light touch
  threshold (research notes, uk-rules §1.2), run as a one-stage competitive flexible procedure; light touch
  contracts have no mandatory standstill (uk-rules §1.10). A consortium bids. Every evaluator has submitted and one
  criterion diverges: it waits for the moderator (the demo's procurement officer), who can moderate it.
- "Accessible door-to-door transport": an open tender worth £480,000, above the threshold for a council's services
  (£214,904 in 2024–25, £207,720 from 2026; uk-rules §1.2), awarded three days ago; the contract award notice was
  published two days ago, so its standstill of 8 working days (Procurement Act 2023 s.51) is still running and the
  contract cannot yet be entered into.

Dates in the file are days from today (negative: in the past); deadlines fall at noon, London time, and each step
happens at a set hour of its day. A story whose opportunity already exists (matched by title) is left alone, so
loading again changes nothing. The "Tackling loneliness" round (commissioning.py, bids.py) stays open for bids.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

from django.core.files.base import ContentFile

from trellis.bids import services as bid_services
from trellis.bids.domain.bidding import DECLARATIONS
from trellis.core.models import Person
from trellis.demo.bids import confirm_eligibility
from trellis.demo.commissioning import (
    LONDON,
    assess_conflicts,
    criteria_rows,
    noon_on,
    opportunity_fields,
    saved_decisions,
)
from trellis.demo.pdf import simple_pdf
from trellis.evaluation import services as evaluation_services
from trellis.opportunities import selectors as opp_selectors
from trellis.opportunities import services as opp_services
from trellis.organisations import selectors as org_selectors

DATA_FILE = "data/evaluation.json"
#: The hour of the day each kind of step happens, so that the steps of one day keep their order.
HOURS = {"bid": 11, "open": 9, "start": 10, "mark": 14, "moderate": 15, "recommend": 16, "approve": 17}


def evaluation_data() -> dict[str, Any]:
    return json.loads(resources.files("trellis.demo").joinpath(DATA_FILE).read_text("utf-8"))


def _at(today: date, days: int, step: str) -> datetime:
    return datetime.combine(today + timedelta(days=days), time(HOURS[step]), tzinfo=LONDON)


def _publish(item: dict[str, Any], place, people: dict[str, Person], decisions: dict, today: date):
    """Create the opportunity from its route decision, approve it and publish it on the day it was published.
    Returns it with its criteria by their key in the file (a template's key, or the row's own ``key``)."""
    creator, approver = people[item["created_by"]], people[item["approved_by"]]
    extra = {"stages": item["stages"]} if item.get("stages") else {}
    opportunity = opp_services.opportunity_create(
        actor=creator,
        place=place,
        title=item["title"],
        kind=item["kind"],
        from_decision=decisions[item["from_decision"]],
        **opportunity_fields(item, today),
        **extra,
    )
    if item["lots"]:
        opp_services.lots_set(actor=creator, opportunity=opportunity, lots=item["lots"])
    opp_services.eligibility_set(actor=creator, opportunity=opportunity, items=item["eligibility"])
    rows = [{k: v for k, v in row.items() if k != "key"} for row in item["criteria"]]
    opp_services.criteria_set(actor=creator, opportunity=opportunity, criteria=criteria_rows(rows))
    keys = [row.get("key") or row["template"] for row in item["criteria"]]
    criteria = dict(zip(keys, opportunity.criteria.order_by("order"), strict=True))
    for doc in item["documents"]:
        upload = ContentFile(simple_pdf([*doc["lines"], "", "Demonstration document: Northbridge is fictional."]))
        upload.name = f"{doc['title']}.pdf"
        opp_services.document_add(actor=creator, opportunity=opportunity, upload=upload, title=doc["title"])
    published_at = noon_on(today, -item["published_days_ago"])
    assess_conflicts(approver, opportunity)
    opp_services.opportunity_transition(actor=approver, opportunity=opportunity, action="approve", now=published_at)
    opp_services.opportunity_transition(actor=approver, opportunity=opportunity, action="publish", now=published_at)
    return opportunity, criteria


def _bidder(item: dict[str, Any]):
    if item.get("consortium"):
        consortium = org_selectors.consortium_by_name(item["consortium"])
        return consortium.organisation if consortium is not None else None
    return org_selectors.organisation_by_org_id(item["organisation"])


def _bids(items: list[dict], opportunity, criteria: dict, people: dict[str, Person], today: date) -> dict:
    """Each bid written, costed, declared and submitted on its day, before the deadline."""
    lots = {lot.number: lot for lot in opportunity.lots.all()}
    made = {}
    for item in items:
        person, organisation = people[item["by"]], _bidder(item)
        if organisation is None:
            raise LookupError(f"The demo bidder for “{item['key']}” is missing from northbridge.json.")
        now = _at(today, item["submitted_in_days"], "bid")
        bid = bid_services.bid_start(
            actor=person, opportunity=opportunity, organisation=organisation, lot=lots.get(item.get("lot")), now=now
        )
        answers = {criteria[key].pk: text for key, text in item["answers"].items()}
        bid_services.bid_answers_save(actor=person, bid=bid, answers=answers, now=now)
        bid_services.bid_budget_save(
            actor=person, bid=bid, budget=item["budget"], price=Decimal(item["price"]), now=now
        )
        bid_services.bid_declarations_sign(actor=person, bid=bid, keys=list(DECLARATIONS), now=now)
        confirm_eligibility(person, bid, now=now)
        bid_services.bid_submit(actor=person, bid=bid, now=now)
        made[item["key"]] = bid
    return made


def _open(opportunity, officer: Person, today: date, days: int) -> None:
    """Close at the deadline, open the bids the next morning (one opener: the demo has no second) and start the
    evaluation."""
    assert opportunity.closes_at is not None
    opp_services.opportunity_transition(
        actor=officer, opportunity=opportunity, action="close", now=opportunity.closes_at
    )
    opened = _at(today, days, "open")
    bid_services.opening_request(actor=officer, opportunity=opportunity, now=opened, two_openers=False)
    opp_services.opportunity_transition(actor=officer, opportunity=opportunity, action="start_evaluation", now=opened)


def _panel(spec: dict[str, Any], opportunity, criteria: dict, people: dict[str, Person], today: date):
    officer = people[spec["by"]]
    started = _at(today, spec["opened_in_days"], "start")
    evaluation = evaluation_services.evaluation_start(actor=officer, opportunity=opportunity, now=started)
    for member in spec["panel"]:
        evaluation_services.panel_member_set(
            actor=officer,
            evaluation=evaluation,
            person=people[member["person"]],
            role=member["role"],
            criteria=[criteria[key].pk for key in member["criteria"]],
            is_moderator=bool(member.get("moderator")),
            now=started,
        )
    evaluation_services.evaluation_move(
        actor=officer, evaluation=evaluation, move="start_scoring", now=_at(today, spec["scoring_in_days"], "start")
    )
    return evaluation


def _mark(spec: dict[str, Any], evaluation, criteria: dict, bids: dict, people: dict[str, Person], today: date):
    """Each evaluator declares for every bid (a conflict, with its details, recuses them), then marks the bids
    they may read, with a reason for every mark, and submits."""
    for sheet in spec["sheets"]:
        person, now = people[sheet["person"]], _at(today, sheet["in_days"], "mark")
        conflicts = sheet.get("conflicts", {})
        for key, bid in bids.items():
            evaluation_services.conflict_declare(
                actor=person,
                evaluation=evaluation,
                bid=bid,
                conflict=key in conflicts,
                details=conflicts.get(key, ""),
                now=now,
            )
        for key, marks in sheet["marks"].items():
            evaluation_services.marks_save(
                actor=person,
                evaluation=evaluation,
                bid=bids[key],
                marks={criteria[c].pk: (score, reason) for c, (score, reason) in marks.items()},
                submit=True,
                now=now,
            )


def _moderate(spec: dict[str, Any], evaluation, criteria: dict, bids: dict, people: dict[str, Person], today: date):
    """The moderator declares no conflict with each bid and records the agreed mark and rationale for each of its
    criteria; then recommends, and a commissioner who did not make the recommendation approves it."""
    moderator = people[next(m["person"] for m in spec["panel"] if m.get("moderator"))]
    now = _at(today, spec["consensus"]["in_days"], "moderate")
    for key, marks in spec["consensus"]["marks"].items():
        bid = bids[key]
        evaluation_services.conflict_declare(actor=moderator, evaluation=evaluation, bid=bid, conflict=False, now=now)
        for c, (score, rationale) in marks.items():
            evaluation_services.consensus_record(
                actor=moderator,
                evaluation=evaluation,
                bid=bid,
                criterion=criteria[c],
                score=score,
                rationale=rationale,
                now=now,
            )
    recommendation = spec["recommendation"]
    evaluation_services.recommendation_make(
        actor=moderator,
        evaluation=evaluation,
        rationale=recommendation["rationale"],
        now=_at(today, recommendation["in_days"], "recommend"),
    )
    approval = spec["approval"]
    evaluation_services.decision_approve(
        actor=people[approval["by"]],
        evaluation=evaluation,
        declares_no_conflict=True,
        now=_at(today, approval["in_days"], "approve"),
    )
    notice = spec.get("award_notice")
    if notice:
        evaluation_services.award_notice_publish(
            actor=people[notice["by"]],
            evaluation=evaluation,
            published_on=today + timedelta(days=notice["in_days"]),
            today=today,
        )


def _story(story: dict[str, Any], place, people: dict[str, Person], decisions: dict, today: date) -> None:
    opportunity, criteria = _publish(story["opportunity"], place, people, decisions, today)
    bids = _bids(story["bids"], opportunity, criteria, people, today)
    spec = story["evaluation"]
    _open(opportunity, people[spec["by"]], today, spec["opened_in_days"])
    evaluation = _panel(spec, opportunity, criteria, people, today)
    _mark(spec, evaluation, criteria, bids, people, today)
    if "consensus" in spec:
        _moderate(spec, evaluation, criteria, bids, people, today)


def load_evaluations(*, place, people: dict[str, Person], today: date) -> int:
    """Create whatever of the demo's evaluation story is missing. Returns the number of opportunities created."""
    data = evaluation_data()
    decisions = saved_decisions(data, place, people, today)
    created = 0
    for story in data["stories"]:
        if opp_selectors.opportunity_exists(place=place, title=story["opportunity"]["title"]):
            continue
        _story(story, place, people, decisions, today)
        created += 1
    return created
