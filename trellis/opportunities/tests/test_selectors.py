"""Opportunity reads: the forward plan (drafts hidden from the public), the one door, clarifications, and the
checks shown beside an opportunity."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from trellis.core.errors import NotFound
from trellis.opportunities import selectors, services
from trellis.opportunities.domain.prequalification import Level
from trellis.opportunities.selectors import ForwardPlanFilters, forward_plan
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403
from trellis.opportunities.tests.fixtures_core import NOW, closes
from trellis.organisations import services as org_services
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def titles(qs) -> list[str]:
    return [o.title for o in qs]


@pytest.fixture
def plan(published, commissioner, place, wards):
    """An open grant round (ward 1), a planned tender (no wards: the whole place), a draft with no planned date,
    and a closed one."""
    planned = services.opportunity_create(
        actor=commissioner,
        place=place,
        title="Community transport tender",
        kind="open_tender",
        summary="Door-to-door transport for disabled residents.",
        service_types=["community_transport"],
        planned_publish_on=date(2030, 6, 1),
    )
    unplanned = services.opportunity_create(
        actor=commissioner, place=place, title="Idea not yet planned", kind="grant_round"
    )
    closed = services.opportunity_create(
        actor=commissioner,
        place=place,
        title="Last year's round",
        kind="grant_round",
        planned_publish_on=date(2030, 1, 1),
    )
    type(closed).objects.filter(pk=closed.pk).update(status="closed")
    return {"open": published, "planned": planned, "unplanned": unplanned, "closed": closed}


def test_forward_plan_shows_open_then_planned_and_hides_unplanned_drafts_and_closed(plan):
    assert titles(forward_plan()) == ["Befriending for older people", "Community transport tender"]
    assert titles(forward_plan(ForwardPlanFilters(statuses=["planned"]))) == ["Community transport tender"]
    assert titles(forward_plan(ForwardPlanFilters(statuses=["published"]))) == ["Befriending for older people"]
    assert titles(forward_plan(ForwardPlanFilters(statuses=["closed"]))) == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ForwardPlanFilters(q="befriending"), ["Befriending for older people"]),
        (ForwardPlanFilters(q="disabled residents"), ["Community transport tender"]),  # words in the summary
        (ForwardPlanFilters(q="lonely nobody"), []),
        (ForwardPlanFilters(kinds=["open_tender"]), ["Community transport tender"]),
        (ForwardPlanFilters(service_types=["befriending"]), ["Befriending for older people"]),
        (
            ForwardPlanFilters(service_types=["befriending", "community_transport"]),
            ["Befriending for older people", "Community transport tender"],
        ),
        # a ward filter also finds opportunities for the whole place
        (ForwardPlanFilters(wards=["E05099001"]), ["Befriending for older people", "Community transport tender"]),
        (ForwardPlanFilters(wards=["E05099002"]), ["Community transport tender"]),
    ],
)
def test_forward_plan_search_and_filters(plan, filters, expected):
    assert titles(forward_plan(filters)) == expected


def test_forward_plan_finds_by_reference(plan):
    assert titles(forward_plan(ForwardPlanFilters(q=plan["open"].reference))) == ["Befriending for older people"]


def test_forward_plan_for_another_place_is_empty(plan):
    from trellis.organisations.tests.factories import PlaceFactory

    other = PlaceFactory(name="Elsewhere", slug="elsewhere", gss_code="E08000098")
    assert titles(forward_plan(ForwardPlanFilters(place=other))) == []
    assert len(forward_plan(ForwardPlanFilters(place=plan["open"].place))) == 2


@pytest.mark.parametrize("who", ["provider_admin", "resident", None])
def test_drafts_look_missing_to_the_public(request, plan, who):
    actor = request.getfixturevalue(who) if who else AnonymousUser()
    for name in ("planned", "unplanned"):
        with pytest.raises(NotFound):
            selectors.opportunity_get_for(actor=actor, public_id=plan[name].public_id)
    assert selectors.opportunity_get_for(actor=actor, public_id=plan["open"].public_id) == plan["open"]
    assert selectors.opportunity_get_for(actor=actor, public_id=plan["closed"].public_id) == plan["closed"]


@pytest.mark.parametrize("who", ["commissioner", "procurement_officer", "platform_admin"])
def test_staff_see_drafts(request, plan, who):
    actor = request.getfixturevalue(who)
    assert selectors.opportunity_get_for(actor=actor, public_id=plan["unplanned"].public_id) == plan["unplanned"]


def test_a_bad_or_unknown_id_is_a_404(commissioner):
    for public_id in ("not-a-uuid", "3f1c1d3e-0000-4000-8000-000000000000"):
        with pytest.raises(NotFound):
            selectors.opportunity_get_for(actor=commissioner, public_id=public_id)


def test_opportunities_for_staff_lists_everything_with_questions_waiting(plan, provider_member, charity, place):
    services.clarification_ask(actor=provider_member, opportunity=plan["open"], organisation=charity, question="Q?")
    listed = {o.title: o.questions_waiting for o in selectors.opportunities_for_staff(place)}
    assert listed == {
        "Befriending for older people": 1,
        "Community transport tender": 0,
        "Idea not yet planned": 0,
        "Last year's round": 0,
    }


# Clarifications --------------------------------------------------------------------------------------------------


def test_each_side_sees_the_questions_it_should(
    published, provider_member, provider_admin, other_provider_admin, charity, other_charity, commissioner
):
    ours = services.clarification_ask(
        actor=provider_member, opportunity=published, organisation=charity, question="Ours?"
    )
    theirs = services.clarification_ask(
        actor=other_provider_admin, opportunity=published, organisation=other_charity, question="Theirs?"
    )
    services.clarification_answer(actor=commissioner, clarification=theirs, answer="Yes")
    # staff: every question, unanswered first, with who asked
    staff = list(selectors.clarifications_for_staff(published))
    assert [c.question for c in staff] == ["Ours?", "Theirs?"]
    assert staff[0].asking_organisation == charity
    # a provider: their own organisation's questions, whoever in it asked
    assert [c.question for c in selectors.my_clarifications(provider_admin, published)] == ["Ours?"]
    assert list(selectors.my_clarifications(commissioner, published)) == []
    # the public: published questions and answers only
    assert [(c.question, c.answer) for c in selectors.clarifications_published(published)] == [("Theirs?", "Yes")]
    # the door to one question
    assert selectors.clarification_get_for(actor=provider_admin, public_id=ours.public_id) == ours
    assert selectors.clarification_get_for(actor=commissioner, public_id=ours.public_id) == ours
    with pytest.raises(NotFound):
        selectors.clarification_get_for(actor=other_provider_admin, public_id=ours.public_id)
    with pytest.raises(NotFound):
        selectors.clarification_get_for(actor=provider_admin, public_id="nonsense")


def test_asking_organisations_are_the_actor_s_provider_organisations(provider_admin, charity, commissioner):
    assert selectors.asking_organisations_for(provider_admin) == [charity]
    assert selectors.asking_organisations_for(commissioner) == []


# Alerts ----------------------------------------------------------------------------------------------------------


def test_alert_subscription_for(provider_admin, resident):
    assert selectors.alert_subscription_for(provider_admin) is None
    assert selectors.alert_subscription_for(AnonymousUser()) is None
    services.alert_subscription_set(actor=provider_admin, service_types=["befriending"], wards=[], email=True)
    found = selectors.alert_subscription_for(provider_admin)
    assert [s.code for s in found.service_types.all()] == ["befriending"]
    assert selectors.alert_subscription_for(resident) is None


def test_matching_subscriptions_by_service_type_and_ward(published, make_person, charity, wards):
    from trellis.core.domain.roles import Role

    def subscriber(types, ward_list):
        person = make_person(Role.PROVIDER_MEMBER, charity)
        services.alert_subscription_set(actor=person, service_types=types, wards=ward_list, email=True)
        return person

    anything = subscriber([], [])
    same_type = subscriber(["befriending"], [])
    same_ward = subscriber([], [wards[0]])
    both = subscriber(["befriending", "youth_work"], [wards[0], wards[1]])
    subscriber(["youth_work"], [])  # other service
    subscriber(["befriending"], [wards[2]])  # right service, other ward
    matched = {s.person for s in selectors.matching_subscriptions(published)}
    assert matched == {anything, same_type, same_ward, both}


# Checks ----------------------------------------------------------------------------------------------------------


def test_publication_check_lists_what_is_missing_by_field(commissioner, place):
    empty = services.opportunity_create(actor=commissioner, place=place, title="Empty", kind="competitive_flexible")
    services.opportunity_update(actor=commissioner, opportunity=empty, changes={"stages": []})
    empty.stages = []
    type(empty).objects.filter(pk=empty.pk).update(stages=[])
    check = selectors.publication_check(empty, now=NOW)
    assert not check.ready
    assert set(check.errors) == {
        "summary",
        "specification",
        "estimated_value",
        "stages",
        "criteria",
        "eligibility",
        "closes_at",
        "questions_close_at",
        "conflicts",  # s.83: a tender needs its conflicts assessment
    }
    assert check.period.days == 25


def test_market_engagement_needs_no_criteria_value_or_checklist(commissioner, place):
    engagement = services.opportunity_create(
        actor=commissioner,
        place=place,
        title="What could a befriending service look like?",
        kind="market_engagement",
        summary="Tell us what you could offer.",
        specification="We are exploring options.",
        questions_close_at=closes(7),
        closes_at=closes(14),
    )
    assert selectors.publication_check(engagement, now=NOW).ready


def test_publication_check_gives_advice_as_warnings(draft, commissioner):
    services.opportunity_update(actor=commissioner, opportunity=draft, changes={"duration_months": 12})
    check = selectors.publication_check(draft, now=NOW)
    assert check.ready
    assert any("Three-year funding is the norm" in w for w in check.warnings)


def _providers(place, bands: dict[str, int], service="befriending"):
    incomes = {"micro": 5_000, "small": 50_000, "medium": 500_000, "large": 5_000_000}
    for band, count in bands.items():
        for _ in range(count):
            org = OrganisationFactory(income_band=band, annual_income=incomes[band], place=place, borough_wide=True)
            org.service_types.add(service)


def test_provider_band_counts_read_the_directory(place, council):
    _providers(place, {"micro": 3, "small": 4, "medium": 2})
    _providers(place, {"large": 5}, service="youth_work")
    assert selectors.provider_band_counts(service_types=["befriending"]) == {"micro": 3, "small": 4, "medium": 2}
    everyone = selectors.provider_band_counts()
    assert everyone == {"micro": 3, "small": 4, "medium": 2, "large": 5}  # the council is a buyer, not counted


def test_aggregation_warning_per_lot(draft, commissioner, place):
    _providers(place, {"micro": 3, "small": 4, "medium": 2})
    services.opportunity_update(actor=commissioner, opportunity=draft, changes={"estimated_value": 900_000})
    services.lots_set(
        actor=commissioner,
        opportunity=draft,
        lots=[{"title": "Neighbourhood schemes", "value": 45_000}, {"title": "Borough-wide", "value": 600_000}],
    )
    checks = selectors.aggregation_warning(draft)
    small, big = (checks[lot.pk] for lot in draft.lots.all())
    assert small.annual_value == Decimal(15_000) and not small.warn and small.too_big == 3
    assert big.annual_value == Decimal(200_000) and big.warn and big.too_big == 7 and big.known == 9
    assert any(w.startswith("This lot is larger than most local providers") for w in
               selectors.publication_check(draft, now=NOW).warnings)  # fmt: skip


def test_aggregation_warning_without_lots_checks_the_whole_value(draft, place):
    _providers(place, {"small": 2})
    checks = selectors.aggregation_warning(draft)
    assert list(checks) == [None] and checks[None].annual_value == Decimal(30_000)


def test_no_value_no_aggregation_check(commissioner, place):
    bare = services.opportunity_create(actor=commissioner, place=place, title="Bare", kind="grant_round")
    assert selectors.aggregation_warning(bare) == {}


def test_prequalification_is_judged_on_the_largest_lot(draft, commissioner):
    assert selectors.prequalification_for(draft).level is Level.FOUNDATION  # £90,000, no lots
    services.lots_set(
        actor=commissioner, opportunity=draft, lots=[{"title": "A", "value": 20_000}, {"title": "B", "value": 25_000}]
    )
    assert selectors.prequalification_for(draft).level is Level.DECLARATIONS


def test_prequalification_uses_the_route_decision_s_threshold(commissioner, place):
    from trellis.routes import services as route_services
    from trellis.routes.tests.helpers import facts

    given = facts(service_category="goods_services", estimated_value_gbp=300_000)
    decision = route_services.route_decision_save(
        actor=commissioner,
        place=place,
        need_title="Office cleaning",
        need_description="",
        facts=given,
        chosen_route=route_services.advice_for(given)["recommended"],
        rationale="",
    )
    opportunity = services.opportunity_create(
        actor=commissioner, place=place, title="Cleaning", kind="open_tender", from_decision=decision
    )
    pq = selectors.prequalification_for(opportunity)
    assert pq.threshold == Decimal(decision.advice["threshold"]["applied_gbp"]) < Decimal(300_000)
    assert pq.level is Level.ESTABLISHED


def test_readiness_reuses_the_organisation_s_verified_evidence(draft, charity, commissioner):
    today = NOW.date()
    for kind, verify in (("governing_document", True), ("safeguarding_policy", False)):
        doc = org_services.evidence_upload(
            actor=None,
            check_permission=False,
            organisation=charity,
            kind=kind,
            title=kind,
            filename=f"{kind}.pdf",
            content=PDF,
            expires_on=None,
            today=today,
        )
        if verify:
            org_services.evidence_review(actor=commissioner, document=doc, verified=True, today=today)
    ready = selectors.readiness_for(opportunity=draft, organisation=charity, today=today)
    assert [k.value for k in ready.held] == ["governing_document"]
    assert [k.value for k in ready.missing] == ["safeguarding_policy", "public_liability_insurance"]


def test_document_get_for(draft, commissioner, published):
    doc = services.document_add(
        actor=commissioner,
        opportunity=services.opportunity_create(actor=commissioner, place=draft.place, title="D", kind="grant_round"),
        upload=SimpleUploadedFile("a.pdf", PDF),
    )
    assert selectors.document_get_for(opportunity=doc.opportunity, public_id=doc.public_id) == doc
    for wrong in (published, draft):
        with pytest.raises(NotFound):
            selectors.document_get_for(opportunity=wrong, public_id=doc.public_id)
    with pytest.raises(NotFound):
        selectors.document_get_for(opportunity=doc.opportunity, public_id="nope")


def test_route_decisions_available_are_current_ones(commissioner, place, provider_admin):
    from trellis.routes import services as route_services
    from trellis.routes.tests.helpers import facts

    def save(title, supersedes=None):
        return route_services.route_decision_save(
            actor=commissioner,
            place=place,
            need_title=title,
            need_description="",
            facts=facts(),
            chosen_route=route_services.advice_for(facts())["recommended"],
            rationale="",
            supersedes=supersedes,
        )

    first = save("First")
    revised = save("First, revised", supersedes=first)
    other = save("Other")
    assert set(selectors.route_decisions_available(commissioner, place)) == {revised, other}
    assert set(selectors.route_decisions_available(commissioner)) == {revised, other}  # the default place
    assert list(selectors.route_decisions_available(provider_admin, place)) == []


def test_due_to_close_and_reminders_due(published):
    assert list(selectors.due_to_close(now=closes(39))) == []
    assert list(selectors.due_to_close(now=closes(40))) == [published]
    assert list(selectors.deadline_reminders_due(now=closes(32))) == []
    assert list(selectors.deadline_reminders_due(now=closes(33))) == [published]
    assert list(selectors.deadline_reminders_due(now=closes(40) + timedelta(seconds=1))) == []
