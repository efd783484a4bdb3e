"""The partner finder: browsing, posting, replying, closing, and suggested partners."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trellis.core.domain.roles import Role
from trellis.core.models import AuditEvent
from trellis.organisations import selectors, services
from trellis.organisations.models import PartnerInterest, PartnerRequest
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = "/directory/partners/"
NEW = "/directory/partners/new/"


def text(response) -> str:
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page_url(req: PartnerRequest) -> str:
    return reverse("organisations:partner_request", args=[req.public_id])


@pytest.fixture
def carers_request(charity, provider_admin, wards):
    """The pantry looks for a partner who can support carers in Mill Hill."""
    charity.service_types.set(["food_support"])
    charity.wards.set([wards[1]])
    return services.partner_request_create(
        actor=provider_admin,
        organisation=charity,
        title="Partner for a carers' support bid",
        description="We run the pantry; we need a partner with carers' support experience.",
        service_types=["carers_support"],
        client_groups=["carers"],
        wards=[wards[1]],
        opportunity_reference="Carers' breaks grant round 2026",
    )


def new_request_data(organisation, **overrides) -> dict:
    data = {
        "organisation": organisation.pk,
        "title": "Looking for a youth work partner",
        "description": "A summer holiday programme with food and activities.",
        "service_types": ["youth_work", "sport_physical_activity"],
        "client_groups": ["young_people"],
        "opportunity_reference": "Holiday activities and food programme",
        "closes_on_day": "",
        "closes_on_month": "",
        "closes_on_year": "",
    }
    return data | overrides


# Browsing -----------------------------------------------------------------------------------------


def test_anyone_can_browse_open_requests_with_counts_of_replies(
    client, carers_request, other_charity, other_provider_admin
):
    services.partner_interest_express(
        actor=other_provider_admin, partner_request=carers_request, organisation=other_charity, message="We can help."
    )
    response = client.get(LIST)
    assert response.status_code == 200
    page = text(response)
    assert "Partner for a carers' support bid" in page
    assert "Posted by Brookfield Community Pantry" in page
    assert "1 organisation has replied" in page
    assert "Carers' breaks grant round 2026" in page
    assert "Sign in to post a partner request" in page
    assert "Post a partner request" not in page.replace("Sign in to post a partner request", "")


def test_closed_and_expired_requests_are_not_listed(client, charity, provider_admin, carers_request):
    old = services.partner_request_create(
        actor=provider_admin, organisation=charity, title="Expired request", description="Too late now."
    )
    PartnerRequest.objects.filter(pk=old.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    closed = services.partner_request_create(
        actor=provider_admin, organisation=charity, title="Closed request", description="Found someone."
    )
    services.partner_request_close(actor=provider_admin, partner_request=closed)
    page = text(client.get(LIST))
    assert "Partner for a carers' support bid" in page
    assert "Expired request" not in page and "Closed request" not in page


def test_requests_are_listed_newest_first(client, charity, provider_admin):
    for title in ("First request", "Second request"):
        services.partner_request_create(actor=provider_admin, organisation=charity, title=title, description="x")
    titles = [r.title for r in client.get(LIST).context["page"].object_list]
    assert titles == ["Second request", "First request"]


def test_search_by_text_service_type_and_ward(client, charity, provider_admin, carers_request, wards):
    services.partner_request_create(
        actor=provider_admin,
        organisation=charity,
        title="Digital skills partner",
        description="Laptops and lessons.",
        service_types=["digital_inclusion"],
        wards=[wards[0]],
    )
    anywhere = services.partner_request_create(
        actor=provider_admin, organisation=charity, title="Anywhere at all", description="No ward named."
    )

    def titles(**params) -> list[str]:
        return [r.title for r in client.get(LIST, params).context["page"].object_list]

    assert titles(q="carers experience") == ["Partner for a carers' support bid"]
    assert titles(q="brookfield pantry") == [anywhere.title, "Digital skills partner", carers_request.title]
    assert titles(service_type="digital_inclusion") == ["Digital skills partner"]
    assert titles(ward=wards[1].gss_code) == [anywhere.title, carers_request.title]
    assert titles(ward=wards[0].gss_code, service_type="carers_support") == []
    # An unknown filter value is left out rather than breaking the page.
    assert len(titles(ward="E09999999")) == 3


def test_a_provider_person_sees_the_post_button(client, provider_member):
    client.force_login(provider_member)
    assert "Post a partner request" in text(client.get(LIST))


# Posting ------------------------------------------------------------------------------------------


def test_posting_needs_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_person_without_an_organisation_is_refused_with_an_explanation(client, commissioner, charity):
    client.force_login(commissioner)
    response = client.get(NEW)
    assert response.status_code == 403
    assert "you need to belong to an organisation in the directory" in text(response)
    response = client.post(NEW, new_request_data(charity))
    assert response.status_code == 403
    assert not PartnerRequest.objects.exists()


def test_a_member_posts_a_request_for_their_organisation(client, provider_member, charity, wards):
    client.force_login(provider_member)
    form_page = client.get(NEW)
    assert form_page.status_code == 200
    assert "Brookfield Community Pantry" in text(form_page)
    closes = timezone.localdate() + timedelta(days=30)
    data = new_request_data(
        charity,
        wards=[wards[0].pk, wards[2].pk],
        closes_on_day=str(closes.day),
        closes_on_month=str(closes.month),
        closes_on_year=str(closes.year),
    )
    response = client.post(NEW, data)
    req = PartnerRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(req)
    assert req.organisation == charity and req.created_by == provider_member
    assert req.closes_on == closes
    assert sorted(req.service_types.values_list("pk", flat=True)) == ["sport_physical_activity", "youth_work"]
    assert sorted(req.wards.values_list("name", flat=True)) == ["Castlegate", "Riverside"]
    assert req.opportunity_reference == "Holiday activities and food programme"
    assert AuditEvent.objects.filter(verb="partner_request.created").count() == 1


def test_posting_for_someone_elses_organisation_is_refused(client, provider_member, other_charity):
    client.force_login(provider_member)
    response = client.post(NEW, new_request_data(other_charity))
    assert response.status_code == 403
    assert "You can only act for an organisation you belong to." in text(response)
    assert not PartnerRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a title that says what kind of partner you are looking for."),
        ({"description": "  "}, "Describe what you are looking for and why."),
        (
            {"closes_on_day": "31", "closes_on_month": "2", "closes_on_year": "2030"},
            "Closing date must be a real date.",
        ),
        ({"closes_on_day": "1", "closes_on_month": "", "closes_on_year": "2030"}, "Closing date must include a month."),
        (
            {"closes_on_day": "1", "closes_on_month": "1", "closes_on_year": "2001"},
            "The closing date must be today or in the future.",
        ),
        ({"service_types": ["not-a-service"]}, "Select a valid choice."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, provider_member, charity, overrides, message):
    client.force_login(provider_member)
    response = client.post(NEW, new_request_data(charity, **overrides))
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert message in page
    assert not PartnerRequest.objects.exists()


# One request's page -------------------------------------------------------------------------------


def test_anyone_sees_the_request_but_not_who_replied(client, carers_request, other_charity, other_provider_admin):
    services.partner_interest_express(
        actor=other_provider_admin, partner_request=carers_request, organisation=other_charity, message="Hello there."
    )
    response = client.get(page_url(carers_request))
    assert response.status_code == 200
    page = text(response)
    assert "Partner for a carers' support bid" in page and "Support for carers" in page and "Mill Hill" in page
    assert "1 organisation has replied." in page
    assert "Hollin Bank" not in page and "Hello there." not in page
    assert "Suggested partners" not in page
    assert "Sign in to reply" in page


def test_the_posting_organisation_sees_replies_suggestions_and_the_close_button(
    client, provider_member, carers_request, other_charity, other_provider_admin
):
    services.partner_interest_express(
        actor=other_provider_admin, partner_request=carers_request, organisation=other_charity, message="Hello there."
    )
    client.force_login(provider_member)
    page = text(client.get(page_url(carers_request)))
    assert "Hollin Bank Carers' Centre" in page and "Hello there." in page and "Gareth Lloyd" in page
    assert "Suggested partners" in page
    assert "Close this request" in page
    assert "Send your reply" not in page  # nobody replies to their own request


def test_another_organisation_sees_only_its_own_reply(
    client, carers_request, other_charity, other_provider_admin, make_person
):
    third = OrganisationFactory(name="Castlegate Youth Club")
    third_admin = make_person(Role.PROVIDER_ADMIN, third)
    services.partner_interest_express(
        actor=other_provider_admin, partner_request=carers_request, organisation=other_charity, message="From Hollin."
    )
    services.partner_interest_express(
        actor=third_admin, partner_request=carers_request, organisation=third, message="From the youth club."
    )
    client.force_login(other_provider_admin)
    page = text(client.get(page_url(carers_request)))
    assert "2 organisations have replied." in page
    assert "From Hollin." in page and "From the youth club." not in page
    assert "You have replied for each of your organisations." in page


def test_a_commissioner_sees_suggestions_but_not_replies(
    client, commissioner, carers_request, other_charity, other_provider_admin
):
    services.partner_interest_express(
        actor=other_provider_admin, partner_request=carers_request, organisation=other_charity, message="Hello there."
    )
    client.force_login(commissioner)
    page = text(client.get(page_url(carers_request)))
    assert "Suggested partners" in page
    assert "Hello there." not in page
    assert "To reply, you need to belong to an organisation in the directory." in page


def test_a_missing_request_is_404(client):
    assert client.get("/directory/partners/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_request_of_a_delisted_organisation_is_404(client, carers_request, charity):
    charity.is_active = False
    charity.save()
    assert client.get(page_url(carers_request)).status_code == 404


# Replying -----------------------------------------------------------------------------------------


def test_another_organisation_replies(
    client, carers_request, other_charity, other_provider_admin, provider_admin, django_capture_on_commit_callbacks
):
    client.force_login(other_provider_admin)
    page = client.get(page_url(carers_request))
    assert "Send your reply" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page_url(carers_request), {"organisation": other_charity.pk, "message": "We run a carers' centre."}
        )
    assert response.status_code == 302
    interest = PartnerInterest.objects.get()
    assert interest.organisation == other_charity and interest.created_by == other_provider_admin
    assert interest.message == "We run a carers' centre."
    assert provider_admin.notifications.filter(subject__contains="Hollin Bank Carers' Centre is interested").exists()


def test_replying_needs_sign_in_and_saves_nothing(client, carers_request, other_charity):
    response = client.post(page_url(carers_request), {"organisation": other_charity.pk, "message": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not PartnerInterest.objects.exists()


def test_replying_for_an_organisation_you_do_not_belong_to_is_refused(client, carers_request, resident, other_charity):
    client.force_login(resident)
    response = client.post(page_url(carers_request), {"organisation": other_charity.pk, "message": "Hi"})
    assert response.status_code == 403
    assert "You can only act for an organisation you belong to." in text(response)
    assert not PartnerInterest.objects.exists()


def test_an_organisation_cannot_answer_its_own_request(client, carers_request, provider_member, charity):
    client.force_login(provider_member)
    response = client.post(page_url(carers_request), {"organisation": charity.pk, "message": "Us too"})
    assert response.status_code == 403
    assert "This is your own organisation's request." in text(response)
    assert not PartnerInterest.objects.exists()


def test_replying_twice_gets_a_clear_error(client, carers_request, other_charity, other_provider_admin):
    services.partner_interest_express(
        actor=other_provider_admin, partner_request=carers_request, organisation=other_charity, message="First."
    )
    client.force_login(other_provider_admin)
    response = client.post(page_url(carers_request), {"organisation": other_charity.pk, "message": "Second."})
    assert response.status_code == 200
    assert "Hollin Bank Carers' Centre has already replied to this request." in text(response)
    assert list(PartnerInterest.objects.values_list("message", flat=True)) == ["First."]


def test_an_empty_reply_is_explained(client, carers_request, other_charity, other_provider_admin):
    client.force_login(other_provider_admin)
    response = client.post(page_url(carers_request), {"organisation": other_charity.pk, "message": " "})
    assert response.status_code == 200
    assert "Write a short message about what your organisation would bring." in text(response)
    assert not PartnerInterest.objects.exists()


def test_a_closed_request_refuses_replies(client, carers_request, provider_admin, other_charity, other_provider_admin):
    services.partner_request_close(actor=provider_admin, partner_request=carers_request)
    client.force_login(other_provider_admin)
    page = text(client.get(page_url(carers_request)))
    assert "This request is closed" in page and "Send your reply" not in page
    response = client.post(page_url(carers_request), {"organisation": other_charity.pk, "message": "Too late?"})
    assert response.status_code == 403
    assert "This request is closed." in text(response)
    assert not PartnerInterest.objects.exists()


# Closing ------------------------------------------------------------------------------------------


def test_the_posting_organisation_closes_its_request(client, carers_request, provider_member):
    client.force_login(provider_member)
    response = client.post(reverse("organisations:partner_request_close", args=[carers_request.public_id]))
    assert response.status_code == 302
    carers_request.refresh_from_db()
    assert carers_request.is_open is False
    assert AuditEvent.objects.filter(verb="partner_request.closed").count() == 1


def test_nobody_else_can_close_a_request(client, carers_request, other_provider_admin):
    client.force_login(other_provider_admin)
    response = client.post(reverse("organisations:partner_request_close", args=[carers_request.public_id]))
    assert response.status_code == 403
    carers_request.refresh_from_db()
    assert carers_request.is_open is True


def test_closing_is_a_post(client, carers_request, provider_member):
    client.force_login(provider_member)
    assert (
        client.get(reverse("organisations:partner_request_close", args=[carers_request.public_id])).status_code == 405
    )


# Suggestions --------------------------------------------------------------------------------------


def test_suggestions_rank_complementary_local_partners_with_reasons(carers_request, wards, council):
    carers_centre = OrganisationFactory(name="Mill Hill Carers", income_band="medium")
    carers_centre.service_types.set(["carers_support"])
    carers_centre.wards.set([wards[1]])
    carers_centre.client_groups.set(["carers"])
    neighbour = OrganisationFactory(name="Mill Hill Lunch Club", income_band="small")
    neighbour.wards.set([wards[1]])
    OrganisationFactory(name="Far Away Youth Project").service_types.set(["youth_work"])
    council.wards.set([wards[1]])  # a public body is never suggested as a delivery partner
    found = selectors.partner_suggestions(partner_request=carers_request)
    assert [(s.organisation.name, s.score) for s in found] == [
        ("Mill Hill Carers", 15 + 5 + 5 + 10 + 5),
        ("Mill Hill Lunch Club", 5 + 5),
    ]
    assert found[0].reasons == (
        "Offers Support for carers, which the request asks for",
        "Works in Mill Hill ward",
        "Also works with Unpaid carers",
        "A medium organisation: could bring the capacity to hold a contract while you deliver locally",
        "Has its registered office in the area",
    )


def test_suggestions_load_in_a_fixed_number_of_queries(carers_request, wards):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.partner_suggestions(partner_request=carers_request)
        return len(ctx.captured_queries)

    org = OrganisationFactory()
    org.wards.set([wards[1]])
    few = count_queries()
    for _ in range(15):
        org = OrganisationFactory()
        org.wards.set([wards[1]])
        org.service_types.set(["carers_support", "befriending"])
        org.client_groups.set(["carers"])
    assert count_queries() == few


def test_suggestions_leave_out_delisted_organisations_and_consortia(carers_request, wards):
    gone = OrganisationFactory(name="Gone Away", is_active=False)
    gone.wards.set([wards[1]])
    group = OrganisationFactory(name="A Consortium", is_consortium=True)
    group.wards.set([wards[1]])
    assert selectors.partner_suggestions(partner_request=carers_request) == []
