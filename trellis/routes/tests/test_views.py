"""The guided flow page by page: questions with their errors and back links, check your answers with change
links, the advice with its reasons and the cost table, saving a decision, the decision page and the list."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.organisations.tests.factories import OrganisationFactory
from trellis.routes import services
from trellis.routes.models import RouteDecision
from trellis.routes.tests.helpers import facts
from trellis.routes.views.steps import SESSION_KEY

pytestmark = pytest.mark.django_db

#: What a commissioner types on each page, for a light touch service above the threshold.
ANSWERS = [
    ("need", {"need_title": "Befriending for isolated older people", "need_description": "Weekly visits."}),
    ("purpose", {"purpose": "buy_service"}),
    ("category", {"service_category": "light_touch"}),
    ("authority", {"authority_class": "sub_central"}),
    ("value", {"estimated_value_gbp": "£950,000", "duration_months": "36"}),
    ("start", {"procurement_start_day": "1", "procurement_start_month": "4", "procurement_start_year": "2026"}),
    ("providers", {"capable_providers": "6", "capable_small_or_local": "4"}),
    ("incumbent", {"incumbent_scenario": "0"}),
    ("codesign", {"needs_codesign": "yes", "innovation": "no"}),
    ("other-authorities", {"cross_authority": "none", "existing_framework": "no"}),
    ("urgency", {"urgency": "normal", "risk": "medium"}),
    ("direct-award", {"direct_award_justification": ""}),
]


def _date(day: str, month: str, year: str) -> dict[str, str]:
    return {"procurement_start_day": day, "procurement_start_month": month, "procurement_start_year": year}


def q(slug: str) -> str:
    return reverse("routes:question", args=[slug])


def _answer(client, slug: str, data: dict, place=None):
    if slug == "need":
        data = {"place": place.slug if place else "northbridge", **data}
    return client.post(q(slug), data)


def _walk(client, place, *, until: str | None = None, changes: dict | None = None):
    """Answer every question in order (``changes`` replaces a page's answers), stopping before ``until``."""
    for slug, data in ANSWERS:
        if slug == until:
            return
        response = _answer(client, slug, (changes or {}).get(slug, data), place)
        assert response.status_code == 302, f"{slug}: {response.content.decode()[:2000]}"


@pytest.fixture
def signed_in(client, commissioner, place, wards):
    client.force_login(commissioner)
    return client


def _errors(response) -> list[str]:
    html = response.content.decode()
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'class="govuk-error-message">(.*?)</p>', html, re.S)]


def _summary_links(response) -> list[str]:
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r'<a href="([^"]+)">', block.group(1)) if block else []


# The start page and the walk through -------------------------------------------------------------------


def test_the_start_page_explains_and_starts(signed_in):
    page = signed_in.get(reverse("routes:start"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1" in html and "Choose a route for a need" in html
    assert f'href="{q("need")}"' in html
    assert "not legal advice" in html


def test_the_nav_shows_choose_a_route_to_commissioners(signed_in):
    assert "Choose a route" in signed_in.get(reverse("core:home")).content.decode()


def test_each_question_follows_the_last_and_the_answers_are_kept(signed_in, place):
    expected_next = [slug for slug, _ in ANSWERS[1:]] + ["check"]
    for (slug, data), following in zip(ANSWERS, expected_next, strict=True):
        response = _answer(signed_in, slug, data, place)
        assert response.status_code == 302
        target = reverse("routes:check") if following == "check" else q(following)
        assert response["Location"] == target
    answers = signed_in.session[SESSION_KEY]["answers"]
    assert answers["estimated_value_gbp"] == 950000
    assert answers["procurement_start"] == "2026-04-01"
    assert answers["needs_codesign"] is True and answers["innovation"] is False
    assert answers["incumbent_scenario"] == 0
    assert answers["place"] == place.slug


def test_a_later_question_sends_you_back_to_the_first_unanswered_one(signed_in, place):
    _walk(signed_in, place, until="authority")
    response = signed_in.get(q("urgency"))
    assert response.status_code == 302
    assert response["Location"] == q("authority")
    assert signed_in.get(reverse("routes:check"))["Location"] == q("authority")
    assert signed_in.get(reverse("routes:result"))["Location"] == reverse("routes:check")


def test_an_unknown_question_is_not_found(signed_in):
    assert signed_in.get(q("favourite-colour")).status_code == 404


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("need", {"need_title": ""}, "Enter a short title for the need."),
        ("purpose", {}, "Select what the money is for."),
        ("purpose", {"purpose": "bribery"}, "Select what the money is for."),
        ("category", {"service_category": "spaceships"}, "Select what is being bought or funded."),
        ("authority", {}, "Select who is buying or funding it."),
        ("value", {"estimated_value_gbp": "-5", "duration_months": "36"}, "The value must be £0 or more."),
        ("value", {"estimated_value_gbp": "lots", "duration_months": "36"}, "must be a number of pounds"),
        ("value", {"estimated_value_gbp": "99999999999", "duration_months": "36"}, "less than £10,000,000,000"),
        ("value", {"estimated_value_gbp": "1000", "duration_months": "0"}, "at least 1 month"),
        ("value", {"estimated_value_gbp": "1000", "duration_months": "999"}, "240 months"),
        ("start", _date("30", "2", "2026"), "real date"),
        ("start", _date("1", "4", "1999"), "between"),
        ("start", {"procurement_start_day": "1", "procurement_start_year": "2026"}, "must include a month"),
        ("start", {}, "Enter the date the procurement or funding round will start."),
        ("providers", {"capable_providers": "3", "capable_small_or_local": "5"}, "cannot be more"),
        ("providers", {"capable_providers": "-1", "capable_small_or_local": "0"}, "0 or more"),
        ("incumbent", {"incumbent_scenario": "9"}, "Select whether the current provider is proposing a deal."),
        ("codesign", {"needs_codesign": "maybe"}, "Select yes if the service needs to be designed"),
        ("other-authorities", {"cross_authority": "none"}, "Select yes if there is already a suitable framework."),
        ("urgency", {"urgency": "panic", "risk": "low"}, "Select how urgent it is."),
        ("direct-award", {"direct_award_justification": "friendship"}, "Select a ground from the list"),
    ],
)
def test_each_question_explains_what_is_wrong_and_keeps_nothing(signed_in, place, slug, data, message):
    _walk(signed_in, place, until=slug)
    before = dict(signed_in.session.get(SESSION_KEY, {}).get("answers", {}))
    response = _answer(signed_in, slug, data, place)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "<title>Error: " in html
    assert any(message in error for error in _errors(response)), _errors(response)
    assert all(link.startswith("#id_") for link in _summary_links(response))
    assert signed_in.session.get(SESSION_KEY, {}).get("answers", {}) == before


def test_error_summary_links_point_at_inputs_that_exist(signed_in, place):
    _walk(signed_in, place, until="start")
    response = _answer(signed_in, "start", {}, place)
    html = response.content.decode()
    for link in _summary_links(response):
        assert f'id="{link[1:]}"' in html, link


def test_a_single_question_page_uses_the_question_as_its_heading(signed_in, place):
    _walk(signed_in, place, until="purpose")
    html = signed_in.get(q("purpose")).content.decode()
    assert html.count("<h1") == 1
    assert re.search(r'<h1 class="govuk-fieldset__heading">\s*What is the money for\?\s*</h1>', html)
    assert "gets it in return for payment" in html  # the hint under the option


@pytest.mark.parametrize(
    ("slug", "back"),
    [("need", "start"), ("purpose", "need"), ("value", "authority"), ("direct-award", "urgency")],
)
def test_back_links_go_to_the_previous_question(signed_in, place, slug, back):
    _walk(signed_in, place, until=slug)
    html = signed_in.get(q(slug)).content.decode()
    target = reverse("routes:start") if back == "start" else q(back)
    assert f'<a href="{target}" class="govuk-back-link">Back</a>' in html


def test_the_direct_award_question_is_skipped_when_it_cannot_apply(signed_in, place):
    grant = {"purpose": {"purpose": "fund_own_activity"}}
    _walk(signed_in, place, until="direct-award", changes=grant)
    answers = signed_in.session[SESSION_KEY]["answers"]
    assert answers["purpose"] == "fund_own_activity"
    response = signed_in.get(q("direct-award"))
    assert response["Location"] == reverse("routes:check")
    check = signed_in.get(reverse("routes:check")).content.decode()
    assert "Ground for a direct award" not in check
    assert f'href="{q("urgency")}" class="govuk-back-link"' in check


def test_the_providers_question_is_prefilled_from_the_directory(signed_in, place, wards):
    local_small = OrganisationFactory(income_band="small", registered_office_in_place=True)
    away_large = OrganisationFactory(income_band="large", annual_income=5_000_000, registered_office_in_place=False)
    unrelated = OrganisationFactory(income_band="micro")
    for org in (local_small, away_large):
        org.service_types.add("befriending")
        org.wards.add(wards[0])
    unrelated.service_types.add("food_support")
    need = {"need_title": "Befriending", "service_types": ["befriending"], "wards": [wards[0].gss_code]}
    _walk(signed_in, place, until="providers", changes={"need": need})
    html = signed_in.get(q("providers")).content.decode()
    assert "lists <strong>2 providers</strong>" in html
    assert 'name="capable_providers" value="2"' in html
    assert 'name="capable_small_or_local" value="1"' in html
    assert "service_type=befriending" in html and f"ward={wards[0].gss_code}" in html


def test_without_services_the_providers_question_asks_for_an_estimate(signed_in, place):
    _walk(signed_in, place, until="providers")
    html = signed_in.get(q("providers")).content.decode()
    assert "cannot count providers" in html
    assert 'name="capable_providers" value' not in html


# Check your answers --------------------------------------------------------------------------------


def test_check_your_answers_lists_every_answer_with_a_change_link(signed_in, place):
    _walk(signed_in, place)
    html = signed_in.get(reverse("routes:check")).content.decode()
    for label, value in [
        ("Need", "Befriending for isolated older people"),
        ("Whole-life value, including VAT", "£950,000"),
        ("How long it will run", "36 months (3 years)"),
        ("Procurement start", "1 April 2026"),
        ("Providers who could deliver it", "6"),
        ("Needs co-design", "Yes"),
    ]:
        assert re.search(rf"{re.escape(label)}</dt>\s*<dd[^>]*>{re.escape(value)}</dd>", html), label
    for slug, _ in ANSWERS:
        assert f'href="{q(slug)}?change=1"' in html, slug
    assert f'href="{reverse("routes:result")}"' in html


def test_a_change_link_goes_back_to_check_your_answers(signed_in, place):
    _walk(signed_in, place)
    page = signed_in.get(q("value") + "?change=1").content.decode()
    assert f'<a href="{reverse("routes:check")}" class="govuk-back-link">' in page
    assert 'value="950000"' in page
    response = signed_in.post(q("value") + "?change=1", {"estimated_value_gbp": "120000", "duration_months": "12"})
    assert response["Location"] == reverse("routes:check")
    html = signed_in.get(reverse("routes:check")).content.decode()
    assert "£120,000" in html and "12 months (1 year)" in html


def test_a_change_that_makes_a_question_apply_asks_it_next(signed_in, place):
    grant = {"purpose": {"purpose": "fund_own_activity"}}
    _walk(signed_in, place, until="direct-award", changes=grant)
    signed_in.post(q("purpose") + "?change=1", {"purpose": "buy_service"})
    assert signed_in.get(reverse("routes:check"))["Location"] == q("direct-award")


# The advice ----------------------------------------------------------------------------------------


def test_the_result_shows_the_recommendation_every_route_with_reasons_and_the_cost_table(signed_in, place):
    _walk(signed_in, place)
    advice = services.advice_for(facts())
    response = signed_in.get(reverse("routes:result"))
    html = response.content.decode()
    titles = {o["route"]: o["title"] for o in advice["options"]}
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert f"Recommended: {titles[advice['recommended']]}" in html
    for option in advice["options"]:
        assert f'id="route-{option["route"]}"' in html
        for reason in option["reasons"]:
            assert reason["text"].replace("'", "&#x27;") in html
    assert "Why<span" in html and "Why not<span" in html
    assert "Not suitable" in html
    assert "Procurement Act 2023" in html
    assert "£663,540 including VAT" in html and "1 January 2026" in html
    assert 'src="/routes/result/cost-of-competing.svg"' in html
    table = re.search(r"Cost of competing, by route</caption>(.*?)</table>", html, re.S).group(1)
    for cost in advice["cost_of_competing"]:
        assert titles[cost["route"]] in table
        assert f"£{cost['total_gbp']:,.0f}" in table
    assert "Draft timeline" in html
    for stage in advice["timeline"]:
        assert stage["stage"] in html
    assert "Compact checks" in html
    assert f'href="{reverse("routes:save")}"' in html


def test_the_result_explains_an_incumbent_proposal(signed_in, place):
    _walk(signed_in, place, changes={"incumbent": {"incumbent_scenario": "2"}})
    html = signed_in.get(reverse("routes:result")).content.decode()
    assert "The current provider's proposal</h2>" in html
    assert "is <strong>persuasive</strong>" in html


def test_the_chart_is_an_accessible_svg_of_the_same_figures(signed_in, place):
    _walk(signed_in, place)
    response = signed_in.get(reverse("routes:result_chart"))
    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert '<title id="chart-title">Cost of competing, by route</title>' in svg
    desc = re.search(r'<desc id="chart-desc">(.*?)</desc>', svg, re.S).group(1)
    advice = services.advice_for(facts())
    first = next(c for c in advice["cost_of_competing"] if c["route"] == advice["recommended"])
    assert f"£{first['total_gbp']:,.0f} in all" in desc
    assert 'role="img"' in svg


# Saving --------------------------------------------------------------------------------------------


def test_saving_the_recommended_route_makes_a_decision_and_opens_it(signed_in, place, commissioner):
    _walk(signed_in, place)
    advice = services.advice_for(facts())
    page = signed_in.get(reverse("routes:save")).content.decode()
    assert f'value="{advice["recommended"]}"' in page and "(recommended)" in page
    assert f'value="{advice["recommended"]}"\n' in page or "checked" in page
    unsuitable = [o["route"] for o in advice["options"] if not o["suitable"]]
    assert all(f'value="{route}"' not in page for route in unsuitable)

    response = signed_in.post(reverse("routes:save"), {"chosen_route": advice["recommended"], "rationale": ""})
    saved = RouteDecision.objects.get()
    assert response["Location"] == reverse("routes:decision", args=[saved.public_id])
    assert saved.decided_by == commissioner
    assert saved.need_title == "Befriending for isolated older people"
    assert saved.facts["capable_providers"] == 6
    assert SESSION_KEY not in signed_in.session
    assert AuditEvent.objects.filter(verb="route_decision.saved").count() == 1


def test_another_route_without_a_reason_is_refused_on_the_page(signed_in, place):
    _walk(signed_in, place)
    advice = services.advice_for(facts())
    other = next(o for o in advice["options"] if o["suitable"] and o["route"] != advice["recommended"])
    response = signed_in.post(reverse("routes:save"), {"chosen_route": other["route"], "rationale": ""})
    assert response.status_code == 200
    assert any("rather than the recommended route" in e for e in _errors(response))
    assert _summary_links(response) == ["#id_rationale"]
    assert not RouteDecision.objects.exists()


def test_a_tampered_unsuitable_route_is_refused_on_the_page(signed_in, place):
    _walk(signed_in, place)
    response = signed_in.post(reverse("routes:save"), {"chosen_route": "direct_award", "rationale": "Because."})
    assert response.status_code == 200
    assert any("is not a suitable route" in e for e in _errors(response))
    assert not RouteDecision.objects.exists()


def test_saving_with_no_route_chosen_is_an_error(signed_in, place):
    _walk(signed_in, place)
    response = signed_in.post(reverse("routes:save"), {})
    assert any("Select the route you have decided on." in e for e in _errors(response))
    assert not RouteDecision.objects.exists()


# The decision and the list -------------------------------------------------------------------------


def test_the_decision_page_shows_who_when_the_facts_and_the_advice(client, procurement_officer, decision):
    client.force_login(procurement_officer)
    response = client.get(reverse("routes:decision", args=[decision.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Befriending for isolated older people</h1>" in html
    assert "Priya Raman" in html  # the commissioner who decided
    assert str(decision.public_id) in html
    assert "can start an opportunity" in html
    assert f'href="{reverse("routes:decision_pdf", args=[decision.public_id])}"' in html
    assert "£950,000" in html and "1 April 2026" in html
    assert "Every route considered" in html and "Cost of competing, by route" in html
    assert f'src="{reverse("routes:decision_chart", args=[decision.public_id])}"' in html


def test_the_decision_chart_is_drawn_from_the_advice_as_it_was(client, commissioner, decision):
    client.force_login(commissioner)
    response = client.get(reverse("routes:decision_chart", args=[decision.public_id]))
    assert response["Content-Type"] == "image/svg+xml"
    assert "<desc" in response.content.decode()


def test_an_unknown_decision_is_not_found(client, commissioner):
    client.force_login(commissioner)
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(reverse("routes:decision", args=[missing])).status_code == 404


def test_revising_starts_from_the_saved_answers_and_saves_a_replacement(client, commissioner, decision):
    client.force_login(commissioner)
    response = client.post(reverse("routes:decision_revise", args=[decision.public_id]))
    assert response["Location"] == reverse("routes:check")
    check = client.get(reverse("routes:check")).content.decode()
    assert "You are revising a saved decision" in check and "£950,000" in check

    client.post(q("value") + "?change=1", {"estimated_value_gbp": "200000", "duration_months": "36"})
    chosen = services.advice_for(facts(estimated_value_gbp=200000))["recommended"]
    save_page = client.get(reverse("routes:save")).content.decode()
    assert "will replace" in save_page
    response = client.post(reverse("routes:save"), {"chosen_route": chosen, "rationale": "Smaller budget."})
    newer = RouteDecision.objects.exclude(pk=decision.pk).get()
    assert newer.supersedes == decision
    decision.refresh_from_db()
    assert decision.facts["estimated_value_gbp"] == 950000
    old_page = client.get(reverse("routes:decision", args=[decision.public_id])).content.decode()
    assert "This decision was replaced" in old_page
    assert "Revise this decision" not in old_page
    assert client.post(reverse("routes:decision_revise", args=[decision.public_id])).status_code == 403


def test_the_list_shows_the_place_s_decisions(client, commissioner, decision, place):
    client.force_login(commissioner)
    html = client.get(reverse("routes:decisions")).content.decode()
    assert "Route decisions: Northbridge" in html
    assert f'href="{reverse("routes:decision", args=[decision.public_id])}"' in html
    assert "1 decision</caption>" in html
    assert client.get(reverse("routes:decisions") + "?place=nowhere").status_code == 404


def test_start_again_forgets_the_answers(signed_in, place):
    _walk(signed_in, place, until="value")
    page = signed_in.get(reverse("routes:start")).content.decode()
    assert "Continue where you left off" in page and f'href="{q("value")}"' in page
    response = signed_in.post(reverse("routes:start_again"))
    assert response["Location"] == q("need")
    assert SESSION_KEY not in signed_in.session
