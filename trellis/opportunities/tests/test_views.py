"""The opportunities pages over HTTP: who sees what, and what each form does with good and bad input.

Every refused action is checked to change nothing; every bad input to name the field that is wrong.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from trellis.core.models import AuditEvent, Notification
from trellis.opportunities import services
from trellis.opportunities.models import AlertSubscription, Clarification, Opportunity
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403
from trellis.opportunities.tests.fixtures_core import closes
from trellis.organisations import services as org_services
from trellis.routes import services as route_services
from trellis.routes.tests.helpers import facts

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def url(name: str, opportunity=None, *extra) -> str:
    args = [opportunity.public_id, *extra] if opportunity is not None else list(extra)
    return reverse(f"opportunities:{name}", args=args)


def text(response) -> str:
    """The page's words, without tags, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())


def state(opportunity) -> tuple:
    """Everything a refused edit must leave as it was."""
    opp = Opportunity.objects.get(pk=opportunity.pk)
    return (
        opp.status,
        opp.title,
        opp.closes_at,
        opp.questions_close_at,
        opp.specification,
        list(opp.criteria.values_list("name", "weight")),
        list(opp.lots.values_list("title", "value")),
        list(opp.eligibility_items.values_list("text", "essential")),
        opp.documents.count(),
    )


@pytest.fixture
def planned(commissioner, place):
    """A draft on the forward plan: a planned publication date, nothing else public."""
    return services.opportunity_create(
        actor=commissioner,
        place=place,
        title="Community transport pilot",
        kind="open_tender",
        summary="Door-to-door transport for people who cannot use buses.",
        planned_publish_on=datetime.date(2031, 9, 1),
        estimated_value=Decimal("250000"),
    )


@pytest.fixture
def unplanned(commissioner, place):
    return services.opportunity_create(actor=commissioner, place=place, title="Secret draft", kind="grant_round")


@pytest.fixture
def decision(commissioner, place):
    advice = route_services.advice_for(facts(service_types=["befriending"]))
    return route_services.route_decision_save(
        actor=commissioner,
        place=place,
        need_title="Befriending for isolated older people",
        need_description="Weekly visits and calls for people over 75 living alone.",
        facts=facts(service_types=["befriending"]),
        chosen_route=advice["recommended"],
        rationale="",
    )


# The forward plan -------------------------------------------------------------------------------------------------


def test_forward_plan_lists_open_and_planned_but_not_unplanned_drafts(client, published, planned, unplanned):
    response = client.get(url("forward_plan"))
    assert response.status_code == 200
    page = text(response)
    assert "Befriending for older people" in page
    assert "Community transport pilot" in page
    assert "Secret draft" not in page
    assert "2 opportunities" in page
    # The open one: value, deadline in London time with how long is left, a link to its page.
    assert "£90,000 over 36 months" in page
    assert "closes in" in page
    assert url("detail", published) in response.content.decode()
    # The planned one: its month, and no link to a page the public cannot open.
    assert "Expected to open: September 2031" in page
    assert url("detail", planned) not in response.content.decode()
    assert "Get alerts" in page


def test_forward_plan_tags_consortium_bids(client, published, commissioner):
    Opportunity.objects.filter(pk=published.pk).update(consortium_bids_invited=True)
    assert "Consortium bids welcome" in text(client.get(url("forward_plan")))


def test_forward_plan_filters_by_words_kind_status_service_and_ward(client, published, planned, wards):
    def titles(**query) -> set[str]:
        page = text(client.get(url("forward_plan"), query))
        return {t for t in ("Befriending for older people", "Community transport pilot") if t in page}

    assert titles(q="transport") == {"Community transport pilot"}
    assert titles(q="loneliness") == {"Befriending for older people"}  # found in the summary
    assert titles(kind="grant_round") == {"Befriending for older people"}
    assert titles(status="planned") == {"Community transport pilot"}
    assert titles(status="open") == {"Befriending for older people"}
    assert titles(service_type="befriending") == {"Befriending for older people"}
    # The planned one is for the whole area, so it matches every ward; the open one only its own.
    assert titles(ward=wards[1].gss_code) == {"Community transport pilot"}
    assert titles(ward=wards[0].gss_code) == {"Befriending for older people", "Community transport pilot"}
    assert titles(kind="no-such-kind") == {"Befriending for older people", "Community transport pilot"}


def test_forward_plan_refuses_overlong_words_with_a_message(client, published):
    response = client.get(url("forward_plan"), {"q": "x" * 201})
    assert response.status_code == 200
    assert "Search words must be 200 characters or fewer" in text(response)
    assert "There is a problem" in text(response)


def test_forward_plan_htmx_returns_only_the_results(client, published, planned):
    response = client.get(url("forward_plan"), {"q": "transport"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<h1" not in body
    assert "Community transport pilot" in body and "Befriending" not in body
    assert 'hx-swap-oob="innerHTML"' in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_forward_plan_shows_staff_the_way_to_their_drafts(client, commissioner, provider_admin):
    client.force_login(provider_admin)
    assert "Create an opportunity" not in text(client.get(url("forward_plan")))
    client.force_login(commissioner)
    page = text(client.get(url("forward_plan")))
    assert "Create an opportunity" in page


# An opportunity's page --------------------------------------------------------------------------------------------


def test_published_opportunity_shows_everything_providers_need(client, published):
    Opportunity.objects.filter(pk=published.pk).update(consortium_bids_invited=True)
    response = client.get(url("detail", published))
    assert response.status_code == 200
    page = text(response)
    assert "Befriending for older people" in page and published.reference in page
    assert "Open" in page and "Consortium bids welcome" in page
    # Outcomes and specification.
    assert "Fewer people say they feel lonely" in page
    assert "Tell us how you would get there" in page
    # The eligibility checklist, essential and desirable.
    assert "Works with older people in Northbridge Essential" in page
    assert "Has a safeguarding adults policy Desirable" in page
    # Criteria with weights and scales, published from day one, and what each score means.
    assert "Meeting the outcomes" in page and "50%" in page
    assert "Local knowledge and connections" in page and "15%" in page
    assert "Total 100%" in page
    assert "What each score on the 0 to 5 scale means" in page
    assert "Fully meets the requirement, with convincing evidence and added value." in page
    # Key dates in London time, with how long is left.
    deadline = published.closes_at.astimezone(LONDON)
    assert f"{deadline.day} {deadline:%B %Y}" in page
    assert "This opportunity closes in" in page
    # Proportionate pre-qualification for a £90,000 grant: the foundation evidence.
    assert "What you will be asked to show: foundation evidence" in page
    assert "Safeguarding policy" in page


def test_drafts_are_not_found_for_the_public_and_providers_but_staff_can_preview(
    client, draft, provider_admin, commissioner, platform_admin
):
    assert client.get(url("detail", draft)).status_code == 404
    client.force_login(provider_admin)
    assert client.get(url("detail", draft)).status_code == 404
    for person in (commissioner, platform_admin):
        client.force_login(person)
        response = client.get(url("detail", draft))
        assert response.status_code == 200
        assert "Only council staff can see this page until it is published" in text(response)


def test_unknown_opportunity_is_not_found(client, db):
    assert client.get("/opportunities/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_aggregation_warning_is_shown_to_staff_only(client, draft, commissioner, provider_admin, charity):
    services.lots_set(
        actor=commissioner,
        opportunity=draft,
        lots=[{"title": "Whole borough", "description": "", "value": Decimal("90000")}],
    )
    client.force_login(commissioner)
    services.opportunity_transition(
        actor=commissioner,
        opportunity=draft,
        action="cancel",
        reason="Testing the page after cancelling keeps it public.",
    )
    staff_page = text(client.get(url("detail", draft)))
    assert "Lot 1: Whole borough" in staff_page
    assert "(staff only)" in staff_page
    client.force_login(provider_admin)
    provider_page = text(client.get(url("detail", draft)))
    assert "Lot 1: Whole borough" in provider_page
    assert "(staff only)" not in provider_page


def test_provider_sees_which_verified_evidence_already_covers_the_prequalification(
    client, published, charity, provider_admin, commissioner
):
    document = org_services.evidence_upload(
        actor=provider_admin,
        organisation=charity,
        kind="governing_document",
        title="Constitution",
        filename="constitution.pdf",
        content=PDF,
        expires_on=None,
    )
    org_services.evidence_review(actor=commissioner, document=document, verified=True)
    client.force_login(provider_admin)
    page = text(client.get(url("detail", published)))
    assert "Brookfield Community Pantry ’s verified evidence covers 1 of the 3 documents" in page
    assert "Still needed: Safeguarding policy Public liability insurance certificate" in page
    assert "Upload evidence for Brookfield Community Pantry" in page


def test_documents_download_once_published_and_stay_private_in_draft(client, draft, commissioner):
    upload = SimpleUploadedFile("Specification.pdf", PDF, content_type="application/pdf")
    document = services.document_add(actor=commissioner, opportunity=draft, upload=upload, title="Specification")
    assert client.get(url("document", draft, document.public_id)).status_code == 404
    Opportunity.objects.filter(pk=draft.pk).update(status="published")
    assert "Specification (PDF, 77 bytes)" in text(client.get(url("detail", draft)))
    response = client.get(url("document", draft, document.public_id))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    other = "11111111-1111-1111-1111-111111111111"
    assert client.get(f"/opportunities/{draft.public_id}/documents/{other}/").status_code == 404


# The council's pages: who may reach them --------------------------------------------------------------------------


STAFF_PAGES = ["manage", "edit_details", "edit_specification", "edit_lots", "edit_eligibility", "edit_criteria"]


def test_signed_out_people_are_sent_to_sign_in(client, draft):
    for name in ("staff_list", "new", "alerts"):
        response = client.get(url(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(url("manage", draft))
    assert response.status_code in (302, 404)


def test_providers_cannot_reach_the_council_pages(client, published, unplanned, provider_admin):
    client.force_login(provider_admin)
    assert client.get(url("staff_list")).status_code == 403
    assert client.get(url("new")).status_code == 403
    assert client.get(url("manage", published)).status_code == 403
    assert client.get(url("questions", published)).status_code == 403
    for name in STAFF_PAGES:
        assert client.get(url(name, unplanned)).status_code == 404, name  # a draft is not there for them at all
    before = state(published)
    response = client.post(url("transition", published), {"action": "cancel", "reason": "Because I can"})
    assert response.status_code == 403
    assert state(published) == before


def test_staff_pages_render_for_a_commissioner(client, draft, commissioner):
    client.force_login(commissioner)
    for name in [*STAFF_PAGES, "edit_documents"]:
        response = client.get(url(name, draft))
        assert response.status_code == 200, name
        assert response.content.decode().count("<h1") == 1, name
    page = text(client.get(url("staff_list")))
    assert "Befriending for older people" in page and "Draft" in page


def test_platform_admin_may_read_but_not_edit(client, draft, platform_admin):
    client.force_login(platform_admin)
    assert client.get(url("manage", draft)).status_code == 200
    before = state(draft)
    response = client.post(url("edit_specification", draft), {"specification": "Changed", "outcomes": ""})
    assert response.status_code == 403
    assert state(draft) == before


def test_content_cannot_be_edited_once_published(client, published, commissioner):
    client.force_login(commissioner)
    before = state(published)
    response = client.post(url("edit_details", published), {"title": "Renamed", "kind": "grant_round"})
    assert response.status_code == 403
    assert "can no longer be changed" in response.content.decode()
    assert state(published) == before


# Creating ---------------------------------------------------------------------------------------------------------


def test_create_from_scratch(client, commissioner, place):
    client.force_login(commissioner)
    response = client.post(url("new"), {"title": "Holiday activities for children", "kind": "grant_round"})
    opportunity = Opportunity.objects.get(title="Holiday activities for children")
    assert response.status_code == 302
    assert response["Location"] == url("edit_details", opportunity)
    assert opportunity.status == "draft" and opportunity.created_by == commissioner and opportunity.place == place


def test_create_refuses_a_missing_title_and_creates_nothing(client, commissioner, place):
    client.force_login(commissioner)
    response = client.post(url("new"), {"title": "", "kind": ""})
    assert response.status_code == 200
    page = text(response)
    assert "Enter a title." in page and "Choose the type of opportunity." in page
    assert 'href="#id_title"' in response.content.decode() and 'href="#id_kind_0"' in response.content.decode()
    assert not Opportunity.objects.exists()


def test_create_from_a_saved_route_decision_carries_its_facts(client, commissioner, decision, place):
    client.force_login(commissioner)
    listing = client.get(url("new"))
    assert f"?decision={decision.public_id}" in listing.content.decode()
    form_page = client.get(url("new"), {"decision": decision.public_id})
    assert "Starting from the saved route decision" in text(form_page)
    assert 'value="Befriending for isolated older people"' in form_page.content.decode()
    response = client.post(
        f"{url('new')}?decision={decision.public_id}",
        {"title": "Befriending for isolated older people", "kind": "competitive_flexible"},
    )
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert opportunity.route_decision == decision
    assert opportunity.route == decision.chosen_route
    assert opportunity.estimated_value == Decimal("950000")
    assert opportunity.duration_months == 36
    assert list(opportunity.service_types.values_list("code", flat=True)) == ["befriending"]


def test_an_unknown_route_decision_is_not_found(client, commissioner, place):
    client.force_login(commissioner)
    assert client.get(url("new"), {"decision": "22222222-2222-2222-2222-222222222222"}).status_code == 404


# Editing sections -------------------------------------------------------------------------------------------------


def details_data(opportunity, **changes) -> dict:
    deadline = closes(45).astimezone(LONDON)
    questions = closes(35).astimezone(LONDON)
    data = {
        "title": opportunity.title,
        "kind": opportunity.kind,
        "summary": opportunity.summary,
        "estimated_value": "£90,000",
        "duration_months": "36",
        "service_types": ["befriending"],
        "wards": [],
        "route": "",
        "planned_publish_on_day": "",
        "planned_publish_on_month": "",
        "planned_publish_on_year": "",
        "questions_close_on_day": str(questions.day),
        "questions_close_on_month": str(questions.month),
        "questions_close_on_year": str(questions.year),
        "questions_close_time": "5pm",
        "closes_on_day": str(deadline.day),
        "closes_on_month": str(deadline.month),
        "closes_on_year": str(deadline.year),
        "closes_time": "",
        "award_expected_on_day": "",
        "award_expected_on_month": "",
        "award_expected_on_year": "",
        "service_starts_on_day": "",
        "service_starts_on_month": "",
        "service_starts_on_year": "",
    }
    data.update(changes)
    return data


def test_details_save_deadlines_as_london_times(client, draft, commissioner):
    client.force_login(commissioner)
    response = client.post(url("edit_details", draft), details_data(draft, consortium_bids_invited="on"))
    assert response.status_code == 302, text(response)
    draft.refresh_from_db()
    deadline = draft.closes_at.astimezone(LONDON)
    assert (deadline.hour, deadline.minute) == (12, 0)  # no time given: midday
    assert draft.questions_close_at.astimezone(LONDON).hour == 17
    assert draft.consortium_bids_invited is True
    page = client.get(url("edit_details", draft)).content.decode()
    assert 'value="17:00"' in page and 'value="12:00"' in page


def test_details_refuse_questions_closing_after_the_deadline_and_change_nothing(client, draft, commissioner):
    client.force_login(commissioner)
    before = state(draft)
    late = closes(60).astimezone(LONDON)
    data = details_data(
        draft,
        title="Renamed",
        questions_close_on_day=str(late.day),
        questions_close_on_month=str(late.month),
        questions_close_on_year=str(late.year),
    )
    response = client.post(url("edit_details", draft), data)
    assert response.status_code == 200
    assert "Questions must close before the deadline for bids." in text(response)
    assert 'id="id_questions_close_on_error"' in response.content.decode()
    assert state(draft) == before


def test_details_refuse_a_bad_time_and_a_bad_value(client, draft, commissioner):
    client.force_login(commissioner)
    before = state(draft)
    response = client.post(
        url("edit_details", draft), details_data(draft, closes_time="teatime", estimated_value="lots")
    )
    page = text(response)
    assert "Time of the deadline must be a time of day, like 12:00 or 5pm." in page
    assert "Estimated value must be a number of pounds" in page
    assert state(draft) == before


def test_specification_saves(client, draft, commissioner):
    client.force_login(commissioner)
    response = client.post(
        url("edit_specification", draft), {"specification": "Fewer people alone.", "outcomes": "A\nB"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.specification == "Fewer people alone." and draft.outcome_lines() == ["A", "B"]


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": str(initial)}
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    for i, item in enumerate(items):
        for key, value in item.items():
            if value is True:
                data[f"{prefix}-{i}-{key}"] = "on"
            elif value not in (False, None):
                data[f"{prefix}-{i}-{key}"] = str(value)
    return data


def test_lots_save_and_a_bad_value_is_refused_beside_its_field(client, draft, commissioner):
    client.force_login(commissioner)
    data = rows("lots", [{"title": "North", "value": "40,000"}, {"title": "South", "value": "£50000"}])
    response = client.post(url("edit_lots", draft), {**data, "action": "save"})
    assert response.status_code == 302
    assert list(draft.lots.values_list("number", "title", "value")) == [
        (1, "North", Decimal("40000")),
        (2, "South", Decimal("50000")),
    ]
    before = state(draft)
    bad = rows("lots", [{"title": "North", "value": "forty"}, {"title": "", "value": "1"}], initial=2)
    response = client.post(url("edit_lots", draft), {**bad, "action": "save"})
    page = text(response)
    assert "Value of the lot must be a number of pounds" in page
    assert "Enter a title for the lot." in page
    assert state(draft) == before


def test_lots_over_the_estimated_value_are_refused_by_the_service(client, draft, commissioner):
    client.force_login(commissioner)
    before = state(draft)
    data = rows("lots", [{"title": "North", "value": "80000"}, {"title": "South", "value": "80000"}])
    response = client.post(url("edit_lots", draft), {**data, "action": "save"})
    assert response.status_code == 200
    assert "more than the estimated value of £90,000.00" in text(response)
    assert state(draft) == before


def test_add_another_lot_adds_a_row_and_saves_nothing(client, draft, commissioner):
    client.force_login(commissioner)
    before = state(draft)
    data = rows("lots", [{"title": "North", "value": "40000"}])
    response = client.post(url("edit_lots", draft), {**data, "action": "add"})
    assert response.status_code == 200
    assert 'name="lots-1-title"' in response.content.decode()
    assert 'value="North"' in response.content.decode()
    assert state(draft) == before


def test_removing_a_row_drops_it(client, draft, commissioner):
    client.force_login(commissioner)
    items = [
        {"text": "Constituted group", "essential": True},
        {"text": "Works locally", "essential": False, "DELETE": True},
    ]
    response = client.post(url("edit_eligibility", draft), {**rows("eligibility", items, initial=2), "action": "save"})
    assert response.status_code == 302
    assert list(draft.eligibility_items.values_list("text", "essential")) == [("Constituted group", True)]


def test_criteria_from_a_template_are_added_to_the_page_then_saved(client, unplanned, commissioner):
    client.force_login(commissioner)
    empty = rows("criteria", [])
    response = client.post(
        url("edit_criteria", unplanned), {**empty, "action": "add_template", "template_key": "social_value"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Social value” is added below" in text(response)
    assert 'name="criteria-0-template" value="social_value"' in page
    assert not unplanned.criteria.exists()  # nothing saved yet
    assert "Total weight: 10%." in text(response)
    items = [
        {"section": "Social value", "name": "Social value", "weight": "10", "scale": "0-5", "template": "social_value"},
        {"name": "Quality", "weight": "90%", "scale": "0-10", "word_limit": "800"},
    ]
    response = client.post(url("edit_criteria", unplanned), {**rows("criteria", items), "action": "save"})
    assert response.status_code == 302
    assert list(unplanned.criteria.values_list("name", "weight", "scale", "template")) == [
        ("Social value", Decimal("10.00"), "0-5", "social_value"),
        ("Quality", Decimal("90.00"), "0-10", ""),
    ]


def test_criteria_weights_may_be_saved_incomplete_in_draft_but_out_of_range_is_refused(client, unplanned, commissioner):
    client.force_login(commissioner)
    response = client.post(
        url("edit_criteria", unplanned),
        {**rows("criteria", [{"name": "Quality", "weight": "60", "scale": "0-5"}]), "action": "save"},
    )
    assert response.status_code == 302
    before = state(unplanned)
    bad = rows("criteria", [{"name": "Quality", "weight": "150", "scale": "0-5"}], initial=1)
    response = client.post(url("edit_criteria", unplanned), {**bad, "action": "save"})
    assert "Weight (%) must be from 0 to 100." in text(response)
    assert state(unplanned) == before
    # A rule only the service knows (a pass or fail gate carries no weight) is shown beside the field too.
    gate = rows("criteria", [{"name": "Safeguarding", "weight": "10", "scale": "pass_fail"}], initial=1)
    response = client.post(url("edit_criteria", unplanned), {**gate, "action": "save"})
    assert "give it a weight of 0" in text(response)
    assert 'id="id_criteria-0-weight_error"' in response.content.decode()
    assert state(unplanned) == before


def test_criteria_running_total_with_htmx(client, unplanned, commissioner):
    client.force_login(commissioner)
    items = [{"name": "A", "weight": "30", "scale": "0-5"}, {"name": "B", "weight": "45", "scale": "0-5"}]
    response = client.post(url("edit_criteria", unplanned), rows("criteria", items), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<h1" not in response.content.decode()
    assert "Total weight: 75%. 25% still to give before it can be published." in text(response)
    assert not unplanned.criteria.exists()


def test_documents_upload_check_content_and_can_be_removed(client, draft, commissioner):
    client.force_login(commissioner)
    fake = SimpleUploadedFile("spec.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url("edit_documents", draft), {"title": "Specification", "file": fake})
    assert response.status_code == 200
    assert "Windows program" in text(response)
    assert draft.documents.count() == 0
    good = SimpleUploadedFile("spec.pdf", PDF, content_type="application/pdf")
    response = client.post(url("edit_documents", draft), {"title": "Specification", "file": good})
    assert response.status_code == 302
    document = draft.documents.get()
    assert document.title == "Specification"
    response = client.post(url("document_remove", draft, document.public_id))
    assert response.status_code == 302
    assert draft.documents.count() == 0


def test_editing_an_approved_opportunity_returns_it_to_draft(client, approved, commissioner):
    client.force_login(commissioner)
    page = text(client.get(url("edit_specification", approved)))
    assert "Saving a change returns it to draft" in page
    client.post(url("edit_specification", approved), {"specification": "New words", "outcomes": ""})
    approved.refresh_from_db()
    assert approved.status == "draft"


# The status panel -------------------------------------------------------------------------------------------------


def test_the_creator_cannot_approve_their_own_opportunity(client, draft, commissioner):
    client.force_login(commissioner)
    page = text(client.get(url("manage", draft)))
    assert "Someone other than the person who created this opportunity must approve it." in page
    assert 'value="approve"' not in client.get(url("manage", draft)).content.decode()
    response = client.post(url("transition", draft), {"action": "approve"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_another_officer_approves_then_publishes(
    client, draft, procurement_officer, provider_admin, wards, django_capture_on_commit_callbacks
):
    services.alert_subscription_set(actor=provider_admin, service_types=["befriending"], wards=[], email=True)
    client.force_login(procurement_officer)
    response = client.post(url("transition", draft), {"action": "approve"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved"
    manage_page = client.get(url("manage", draft)).content.decode()
    assert 'value="publish"' in manage_page and 'value="return_to_draft"' in manage_page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("transition", draft), {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    assert "is published" in text(client.get(url("manage", draft)))
    alert = Notification.objects.get(recipient=provider_admin)
    assert "Befriending for older people" in alert.subject
    assert any("Befriending for older people" in m.subject for m in mail.outbox)
    assert AuditEvent.objects.filter(verb="opportunity.publish", target_id=str(draft.pk)).exists()


def test_publishing_is_refused_when_the_weights_do_not_add_up(client, approved, commissioner, procurement_officer):
    # Approved by the procurement officer; a change of weights by the commissioner sends it back to draft,
    # so put the unbalanced weights straight into the table to keep it approved.
    approved.criteria.filter(name="Meeting the outcomes").update(weight=Decimal("20"))
    client.force_login(commissioner)
    manage_page = text(client.get(url("manage", approved)))
    assert "Evaluation criteria: The weights must add up to 100. They add up to 70." in manage_page
    before = state(approved)
    response = client.post(url("transition", approved), {"action": "publish"})
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "This opportunity is not ready to publish." in page
    assert "Evaluation criteria: The weights must add up to 100. They add up to 70." in page
    assert url("edit_criteria", approved) in response.content.decode()
    assert state(approved) == before


def test_cancelling_needs_a_reason(client, published, commissioner):
    client.force_login(commissioner)
    before = state(published)
    response = client.post(url("transition", published), {"action": "cancel", "reason": "  "})
    assert response.status_code == 200
    assert "Enter the reason." in text(response)
    assert state(published) == before
    response = client.post(url("transition", published), {"action": "cancel", "reason": "The budget was withdrawn."})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == "cancelled" and published.status_reason == "The budget was withdrawn."
    public = text(client.get(url("detail", published)))
    assert "This opportunity was cancelled. The budget was withdrawn." in public


def test_closing_before_the_deadline_is_refused_with_the_reason(client, published, commissioner):
    client.force_login(commissioner)
    response = client.post(url("transition", published), {"action": "close"})
    assert response.status_code == 200
    assert "cannot be closed before its deadline" in text(response)
    published.refresh_from_db()
    assert published.status == "published"


def test_an_unknown_action_is_refused(client, draft, procurement_officer):
    client.force_login(procurement_officer)
    response = client.post(url("transition", draft), {"action": "explode"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


# Clarification questions ------------------------------------------------------------------------------------------


def test_question_flow_from_asking_to_the_published_answer(
    client, published, provider_admin, other_provider_admin, commissioner, charity, django_capture_on_commit_callbacks
):
    client.force_login(provider_admin)
    page = text(client.get(url("detail", published)))
    assert "Ask a question" in page and "Asking for Brookfield Community Pantry" in page
    response = client.post(url("ask", published), {"organisation": charity.pk, "question": "Can we bid with partners?"})
    assert response.status_code == 302
    question = Clarification.objects.get()
    assert question.asking_organisation == charity and question.asked_by == provider_admin
    page = text(client.get(url("detail", published)))
    assert "Your questions" in page and "Can we bid with partners?" in page and "Asked" in page

    # Another provider sees nothing of it yet.
    client.force_login(other_provider_admin)
    assert "Can we bid with partners?" not in text(client.get(url("detail", published)))

    # The commissioner sees who asked, answers and publishes.
    client.force_login(commissioner)
    queue = text(client.get(url("questions", published)))
    assert "Waiting for an answer (1)" in queue and "Brookfield Community Pantry" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("answer", published, question.public_id),
            {"answer": "Yes, consortium bids are welcome.", "publish": "publish"},
        )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == "published"

    # Everyone sees the question and answer, never who asked.
    client.logout()
    public = text(client.get(url("detail", published)))
    assert "Can we bid with partners?" in public and "Yes, consortium bids are welcome." in public
    assert "Brookfield" not in public and "Sandra" not in public
    # The provider who asked is told, and sees the answer under their questions.
    assert Notification.objects.filter(recipient=provider_admin, subject__startswith="Question answered").exists()
    client.force_login(provider_admin)
    assert "Answer: Yes, consortium bids are welcome." in text(client.get(url("detail", published)))


def test_an_answer_can_be_saved_without_publishing(client, published, provider_admin, commissioner, charity):
    question = services.clarification_ask(
        actor=provider_admin, opportunity=published, organisation=charity, question="Is VAT included?"
    )
    client.force_login(commissioner)
    client.post(url("answer", published, question.public_id), {"answer": "Yes.", "publish": "save"})
    question.refresh_from_db()
    assert question.status == "answered"
    client.logout()
    assert "Is VAT included?" not in text(client.get(url("detail", published)))


def test_an_empty_question_or_answer_is_refused_and_nothing_is_stored(
    client, published, provider_admin, commissioner, charity
):
    client.force_login(provider_admin)
    response = client.post(url("ask", published), {"organisation": charity.pk, "question": "  "})
    assert response.status_code == 200
    assert "Enter your question." in text(response)
    assert 'href="#id_question"' in response.content.decode()
    assert not Clarification.objects.exists()
    question = services.clarification_ask(
        actor=provider_admin, opportunity=published, organisation=charity, question="Is VAT included?"
    )
    client.force_login(commissioner)
    response = client.post(url("answer", published, question.public_id), {"answer": "", "publish": "publish"})
    assert "Enter the answer." in text(response)
    question.refresh_from_db()
    assert question.status == "asked" and question.answer == ""


def test_questions_cannot_be_asked_for_someone_elses_organisation(client, published, provider_admin, other_charity):
    client.force_login(provider_admin)
    response = client.post(url("ask", published), {"organisation": other_charity.pk, "question": "Sneaky?"})
    assert response.status_code == 403
    assert "You can only ask questions for an organisation you are a member of." in response.content.decode()
    assert not Clarification.objects.exists()


def test_questions_are_refused_after_they_close_and_from_people_without_an_organisation(
    client, published, provider_admin, resident, charity
):
    client.force_login(resident)
    assert "Ask a question" not in text(client.get(url("detail", published)))
    assert client.post(url("ask", published), {"question": "Hello?"}).status_code == 403
    Opportunity.objects.filter(pk=published.pk).update(questions_close_at=closes(-1))
    client.force_login(provider_admin)
    page = text(client.get(url("detail", published)))
    assert "Questions closed at" in page
    response = client.post(url("ask", published), {"organisation": charity.pk, "question": "Too late?"})
    assert response.status_code == 403
    assert not Clarification.objects.exists()


def test_providers_cannot_answer(client, published, provider_admin, charity):
    question = services.clarification_ask(
        actor=provider_admin, opportunity=published, organisation=charity, question="Is VAT included?"
    )
    client.force_login(provider_admin)
    response = client.post(url("answer", published, question.public_id), {"answer": "Yes", "publish": "publish"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.status == "asked"


# Alerts -----------------------------------------------------------------------------------------------------------


def test_alerts_subscribe_change_and_turn_off(client, provider_admin, wards):
    client.force_login(provider_admin)
    page = client.get(url("alerts"))
    assert page.status_code == 200 and "Get alerts about new opportunities" in text(page)
    response = client.post(
        url("alerts"), {"service_types": ["befriending"], "wards": [wards[0].pk], "email": "on", "action": "save"}
    )
    assert response.status_code == 302
    subscription = AlertSubscription.objects.get(person=provider_admin)
    assert list(subscription.service_types.values_list("code", flat=True)) == ["befriending"]
    assert list(subscription.wards.all()) == [wards[0]]
    assert subscription.email is True
    page = text(client.get(url("alerts")))
    assert "Your alerts are on for:" in page and "By e-mail and in your Trellis inbox." in page
    client.post(url("alerts"), {"service_types": [], "wards": [], "action": "save"})
    subscription.refresh_from_db()
    assert subscription.email is False and not subscription.service_types.exists()
    client.post(url("alerts"), {"action": "stop"})
    assert not AlertSubscription.objects.exists()


def test_alerts_refuse_unknown_choices_and_change_nothing(client, provider_admin, wards):
    services.alert_subscription_set(actor=provider_admin, service_types=["befriending"], wards=[], email=True)
    client.force_login(provider_admin)
    response = client.post(url("alerts"), {"service_types": ["no-such-service"], "wards": ["99999"], "action": "save"})
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    subscription = AlertSubscription.objects.get(person=provider_admin)
    assert list(subscription.service_types.values_list("code", flat=True)) == ["befriending"]
    assert subscription.email is True


def test_signed_out_people_are_offered_a_way_to_sign_in_and_ask(client, published, provider_admin):
    page = client.get(url("detail", published)).content.decode()
    assert f"/accounts/login/?next={url('ask', published)}" in page
    client.force_login(provider_admin)
    response = client.get(url("ask", published))
    assert response.status_code == 302 and response["Location"] == url("detail", published) + "#ask"


def test_an_htmx_request_never_saves_even_with_the_last_button_pressed(client, unplanned, commissioner):
    """htmx sends along the last submit button pressed; the running total must still not save (nor swallow the
    "saved" message of the real submission by following its redirect)."""
    client.force_login(commissioner)
    items = [{"name": "A", "weight": "100", "scale": "0-5"}]
    data = rows("criteria", items) | {"action": "save"}
    response = client.post(url("edit_criteria", unplanned), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Total weight: 100%" in text(response)
    assert not unplanned.criteria.exists()
