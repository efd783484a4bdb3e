"""The demo place's commissioning: a saved route decision, providers' alerts and six opportunities in varied
states (data/opportunities.json), built through the services like everything else in the demo.

Dates in the file are days from today; deadlines fall at noon, London time. Opportunities already present
(matched by title) are left alone, so loading again changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from trellis.core.models import Person
from trellis.demo.pdf import simple_pdf
from trellis.opportunities import selectors as opp_selectors
from trellis.opportunities import services as opp_services
from trellis.opportunities.domain import conflicts as conflict_rules
from trellis.opportunities.domain.criteria import TEMPLATES
from trellis.organisations import selectors as org_selectors
from trellis.routes import selectors as route_selectors
from trellis.routes import services as route_services

DATA_FILE = "data/opportunities.json"
LONDON = ZoneInfo("Europe/London")
NOON = time(12, 0)


#: What the demo's officers record before a tender notice (Procurement Act 2023 s.83).
DEMO_CONFLICTS = (
    "None identified. Every officer, panel member and the approver was asked to declare any interest in the "
    "providers working in Northbridge; anyone who later declares one is recused from the bids of that lot."
)


def assess_conflicts(officer, opportunity) -> None:
    """Record the conflicts assessment a tender needs before it is approved and published (s.83)."""
    if conflict_rules.needs_assessment(opportunity.kind, opportunity.regime):
        opp_services.conflicts_assessment_record(
            actor=officer, opportunity=opportunity, conflicts=DEMO_CONFLICTS, declarations_sought=True
        )


def commissioning_data() -> dict[str, Any]:
    return json.loads(resources.files("trellis.demo").joinpath(DATA_FILE).read_text("utf-8"))


def noon_on(today: date, days: int | None) -> datetime | None:
    if days is None:
        return None
    return datetime.combine(today + timedelta(days=days), NOON, tzinfo=LONDON)


def _day(today: date, days: int | None) -> date | None:
    return today + timedelta(days=days) if days is not None else None


def criteria_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        key = row.get("template")
        if key:
            out.append(TEMPLATES[key].as_row(Decimal(str(row["weight"]))))
        else:
            out.append(row)
    return out


def saved_decisions(data: dict[str, Any], place, people: dict[str, Person], today: date) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in data.get("route_decisions", []):
        actor = people[item["decided_by"]]
        existing = (
            route_selectors.decisions_for_place(actor=actor, place=place)
            .filter(need_title=item["need_title"], superseded_by__isnull=True)
            .first()
        )
        if existing is None:
            facts = {**item["facts"], "procurement_start": today.isoformat()}
            advice = route_services.advice_for(facts)
            existing = route_services.route_decision_save(
                actor=actor,
                place=place,
                need_title=item["need_title"],
                need_description=item["need_description"],
                facts=facts,
                chosen_route=advice["recommended"],
                rationale="",
            )
        found[item["need_title"]] = existing
    return found


def _alerts(data: dict[str, Any], people: dict[str, Person]) -> None:
    for item in data.get("alerts", []):
        person = people.get(item["person"])
        if person is None or opp_selectors.alert_subscription_for(person) is not None:
            continue
        opp_services.alert_subscription_set(
            actor=person, service_types=item["service_types"], wards=item["wards"], email=item["email"]
        )


def opportunity_fields(item: dict[str, Any], today: date) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "summary": item["summary"],
        "specification": item["specification"],
        "outcomes": item["outcomes"],
        "consortium_bids_invited": bool(item.get("consortium_bids_invited")),
        "planned_publish_on": _day(today, item.get("planned_publish_on_days")),
        "questions_close_at": noon_on(today, item.get("questions_close_in_days")),
        "closes_at": noon_on(today, item.get("closes_in_days")),
        "award_expected_on": _day(today, item.get("award_expected_in_days")),
        "service_starts_on": _day(today, item.get("service_starts_in_days")),
    }
    for name in ("estimated_value", "duration_months", "service_types", "wards"):
        if name in item:
            fields[name] = item[name]
    return fields


def _opportunity(item: dict[str, Any], place, people: dict[str, Person], decisions: dict, today: date) -> None:
    creator = people[item["created_by"]]
    opportunity = opp_services.opportunity_create(
        actor=creator,
        place=place,
        title=item["title"],
        kind=item["kind"],
        from_decision=decisions.get(item.get("from_decision", "")),
        **opportunity_fields(item, today),
    )
    if item["lots"]:
        opp_services.lots_set(actor=creator, opportunity=opportunity, lots=item["lots"])
    if item["eligibility"]:
        opp_services.eligibility_set(actor=creator, opportunity=opportunity, items=item["eligibility"])
    if item["criteria"]:
        opp_services.criteria_set(actor=creator, opportunity=opportunity, criteria=criteria_rows(item["criteria"]))
    for doc in item["documents"]:
        upload = ContentFile(simple_pdf([*doc["lines"], "", "Demonstration document: Northbridge is fictional."]))
        upload.name = f"{doc['title']}.pdf"
        opp_services.document_add(actor=creator, opportunity=opportunity, upload=upload, title=doc["title"])
    state = item["state"]
    if state == "draft":
        return
    approver = people[item["approved_by"]]
    assess_conflicts(approver, opportunity)
    opp_services.opportunity_transition(actor=approver, opportunity=opportunity, action="approve")
    if state == "approved":
        return
    now = timezone.now()
    published_at = now - timedelta(days=item.get("published_days_ago", 0))
    opp_services.opportunity_transition(actor=approver, opportunity=opportunity, action="publish", now=published_at)
    for q in item["clarifications"]:
        asker = people[q["asked_by"]]
        organisation = org_selectors.organisation_by_org_id(q["organisation"])
        question = opp_services.clarification_ask(
            actor=asker, opportunity=opportunity, organisation=organisation, question=q["question"]
        )
        if q["answer"]:
            opp_services.clarification_answer(
                actor=approver, clarification=question, answer=q["answer"], publish=q["published"]
            )
    if state == "published":
        return
    assert opportunity.closes_at is not None
    opp_services.opportunity_transition(
        actor=approver, opportunity=opportunity, action="close", now=opportunity.closes_at
    )
    if state == "under_evaluation":
        opp_services.opportunity_transition(actor=approver, opportunity=opportunity, action="start_evaluation")


def load_commissioning(*, place, people: dict[str, Person], today: date) -> int:
    """Create whatever of the demo's commissioning is missing. Returns the number of opportunities created."""
    data = commissioning_data()
    decisions = saved_decisions(data, place, people, today)
    _alerts(data, people)
    created = 0
    for item in data["opportunities"]:
        if opp_selectors.opportunity_exists(place=place, title=item["title"]):
            continue
        _opportunity(item, place, people, decisions, today)
        created += 1
    return created
