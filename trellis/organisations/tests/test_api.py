"""The organisations API: search, detail, private fields, editing with a token, vocabularies, OpenAPI."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trellis.core.api_auth import token_create
from trellis.core.models import AuditEvent
from trellis.organisations import services
from trellis.organisations.models import ClientGroup, Organisation, ServiceType
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(person) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(person=person, name='test')}"}


def patch(client, org_id: str, body: dict, **headers):
    return client.patch(
        f"{API}/organisations/{org_id}", data=json.dumps(body), content_type="application/json", **headers
    )


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    return body


@pytest.fixture
def directory(wards, charity, other_charity, council):
    """Five organisations with different sizes, wards, services and clients."""
    food, advice = ServiceType.objects.get(code="food_support"), ServiceType.objects.get(code="advice_guidance")
    older, families = ClientGroup.objects.get(code="older_people"), ClientGroup.objects.get(code="families")
    charity.wards.set([wards[0]])
    charity.service_types.set([food])
    charity.client_groups.set([families])
    Organisation.objects.filter(pk=charity.pk).update(
        contact_name="Sandra Okafor", contact_email="sandra@brookfield.example", contact_phone="01632 960111"
    )
    other_charity.wards.set([wards[1]])
    other_charity.service_types.set([advice])
    other_charity.client_groups.set([older])
    big = OrganisationFactory(
        name="Pennine Care Group",
        slug="pennine-care-group",
        org_id="GB-COH-01234567",
        legal_form="private_company",
        sector="private",
        annual_income=25_000_000,
        income_band="major",
        registered_office_in_place=False,
        borough_wide=True,
        accreditation_tier=3,
    )
    big.service_types.set([advice])
    OrganisationFactory(name="Gone Away Trust", slug="gone-away-trust", is_active=False)
    return {"charity": charity, "other": other_charity, "big": big, "council": council}


# --- Listing and filters -------------------------------------------------------------------------------------------


def test_list_returns_public_fields_only(client, directory):
    response = client.get(f"{API}/organisations")
    assert response.status_code == 200
    body = response.json()
    names = [r["name"] for r in body["results"]]
    assert names == sorted(names)
    assert "Gone Away Trust" not in names
    assert body["count"] == 4
    pantry = next(r for r in body["results"] if r["name"] == "Brookfield Community Pantry")
    assert pantry["url"] == "/directory/brookfield-community-pantry/"
    assert pantry["wards"] == [{"gss_code": "E05099001", "name": "Castlegate"}]
    assert pantry["service_types"] == [{"code": "food_support", "name": "Food support"}]
    assert pantry["client_groups"][0]["code"] == "families"
    assert pantry["income_band"] == "small"
    assert pantry["org_id"] == directory["charity"].org_id
    for private in ("contact_name", "contact_email", "contact_phone", "annual_income", "description"):
        assert private not in pantry
    assert "sandra@brookfield.example" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ward=E05099001", {"Brookfield Community Pantry", "Pennine Care Group"}),  # borough-wide matches every ward
        (
            "ward=E05099001&ward=E05099002",
            {"Brookfield Community Pantry", "Hollin Bank Carers' Centre", "Pennine Care Group"},
        ),
        ("service_type=advice_guidance", {"Hollin Bank Carers' Centre", "Pennine Care Group"}),
        ("client_group=older_people", {"Hollin Bank Carers' Centre"}),
        ("band=major", {"Pennine Care Group"}),
        ("band=small&sector=vcse", {"Brookfield Community Pantry", "Hollin Bank Carers' Centre"}),
        ("tier=3", {"Pennine Care Group"}),
        ("sector=public", {"Northbridge Metropolitan Borough Council"}),
        ("local=true&sector=private", set()),
        ("q=brookfield pant", {"Brookfield Community Pantry"}),
    ],
)
def test_list_filters(client, directory, query, expected):
    response = client.get(f"{API}/organisations?{query}")
    assert response.status_code == 200, response.content
    assert {r["name"] for r in response.json()["results"]} == expected


def test_list_sort_by_size_largest_first(client, directory):
    response = client.get(f"{API}/organisations?sort=-size&sector=vcse&sector=private")
    assert response.json()["results"][0]["name"] == "Pennine Care Group"


def test_pagination_links_and_counts(client, directory):
    first = client.get(f"{API}/organisations?page_size=3&sector=vcse&sector=private&sector=public").json()
    assert first["count"] == 4
    assert (first["page"], first["page_size"], len(first["results"])) == (1, 3, 3)
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/organisations?")
    assert "page=2" in first["next"] and "sector=private" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert "page=1" in second["previous"]
    seen = [r["org_id"] for r in first["results"] + second["results"]]
    assert len(set(seen)) == 4


def test_page_past_the_end_is_a_404_problem(client, directory):
    body = assert_problem(client.get(f"{API}/organisations?page=9"), 404, "not_found")
    assert "page 9" in body["title"]


def test_empty_result_is_page_one_not_an_error(client, directory):
    body = client.get(f"{API}/organisations?q=zzzzzz").json()
    assert body["count"] == 0 and body["results"] == [] and body["page"] == 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("ward=E05000000", "ward"),
        ("client_group=aliens", "client_group"),
        ("service_type=teleportation", "service_type"),
        ("band=huge", "band"),
        ("tier=7", "tier"),
        ("sector=charity", "sector"),
        ("sort=random", "sort"),
    ],
)
def test_unknown_filter_codes_are_a_422_naming_the_parameter(client, directory, query, parameter):
    body = assert_problem(client.get(f"{API}/organisations?{query}"), 422, "validation_failed")
    assert list(body["errors"]) == [parameter]
    assert query.split("=")[1] in body["errors"][parameter][0]


@pytest.mark.parametrize(
    ("query", "parameter"), [("page_size=101", "page_size"), ("page=0", "page"), ("tier=gold", "tier")]
)
def test_malformed_parameters_are_a_422(client, directory, query, parameter):
    body = assert_problem(client.get(f"{API}/organisations?{query}"), 422, "validation_failed")
    assert any(key.split(".")[0] == parameter for key in body["errors"])


def test_query_count_does_not_grow_with_page_size(client, directory, wards):
    for _ in range(30):
        org = OrganisationFactory()
        org.wards.set(wards)
        org.service_types.set(ServiceType.objects.all()[:3])
        org.client_groups.set(ClientGroup.objects.all()[:2])
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(f"{API}/organisations?page_size=2").json()["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(f"{API}/organisations?page_size=30").json()["results"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Detail and private fields -------------------------------------------------------------------------------------


def test_detail_public(client, directory, platform_admin):
    org = directory["charity"]
    services.organisation_update(
        actor=platform_admin,
        organisation=org,
        changes={"founded_year": 2009, "staff_local_pct": 80, "other_identifiers": ["GB-COH-07654321"]},
    )
    response = client.get(f"{API}/organisations/{org.org_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Brookfield Community Pantry"
    assert body["founded_year"] == 2009
    assert body["staff_local_pct"] == 80
    assert body["other_identifiers"] == ["GB-COH-07654321"]
    assert body["description"].startswith("Runs a community pantry")
    assert body["consortium"] is None
    for private in ("contact_name", "contact_email", "contact_phone"):
        assert private not in body


def test_detail_accepts_org_id_in_any_case(client, directory):
    org_id = directory["big"].org_id
    assert client.get(f"{API}/organisations/{org_id.lower()}").json()["org_id"] == org_id


def test_detail_of_a_consortium_lists_members(client, directory, provider_admin):
    consortium = services.consortium_create(
        actor=provider_admin,
        name="Northbridge Food Partnership",
        lead_model="member_lead",
        lead=directory["charity"],
        members=[
            (directory["charity"], "Lead and food distribution", Decimal("60")),
            (directory["other"], "Advice sessions", Decimal("40")),
        ],
    )
    body = client.get(f"{API}/organisations/{consortium.organisation.org_id}").json()
    assert body["is_consortium"] is True
    assert body["consortium"]["lead_model"] == "member_lead"
    assert body["consortium"]["lead"] == {"org_id": directory["charity"].org_id, "name": "Brookfield Community Pantry"}
    members = body["consortium"]["members"]
    assert [m["name"] for m in members] == ["Brookfield Community Pantry", "Hollin Bank Carers' Centre"]
    assert Decimal(str(members[0]["share_pct"])) == Decimal("60")
    assert members[1]["role"] == "Advice sessions"


def test_detail_unknown_and_unlisted_are_404_problems(client, directory):
    assert_problem(client.get(f"{API}/organisations/GB-CHC-9999999"), 404, "not_found")
    gone = Organisation.objects.get(name="Gone Away Trust")
    assert_problem(client.get(f"{API}/organisations/{gone.org_id}"), 404, "not_found")


@pytest.mark.parametrize(
    ("who", "sees_private"),
    [
        ("provider_admin", True),
        ("provider_member", True),
        ("commissioner", True),
        ("other_provider_admin", False),
        ("resident", False),
    ],
)
def test_private_contact_fields_need_a_token_and_permission(client, directory, request, who, sees_private):
    person = request.getfixturevalue(who)
    body = client.get(f"{API}/organisations/{directory['charity'].org_id}", **bearer(person)).json()
    if sees_private:
        assert body["contact_name"] == "Sandra Okafor"
        assert body["contact_email"] == "sandra@brookfield.example"
        assert body["contact_phone"] == "01632 960111"
    else:
        assert "contact_email" not in body and "contact_name" not in body


def test_signed_in_browser_session_is_not_enough_for_private_fields(client, directory, provider_admin):
    client.force_login(provider_admin)
    body = client.get(f"{API}/organisations/{directory['charity'].org_id}").json()
    assert "contact_email" not in body


def test_detail_with_a_bad_token_is_401_not_a_silent_downgrade(client, directory):
    response = client.get(f"{API}/organisations/{directory['charity'].org_id}", HTTP_AUTHORIZATION="Bearer trl_nope")
    assert_problem(response, 401, "unauthorised")


# --- Editing -------------------------------------------------------------------------------------------------------


def test_patch_saves_changes_and_writes_an_audit_event(client, directory, provider_admin, wards):
    org = directory["charity"]
    before = AuditEvent.objects.count()
    response = patch(
        client,
        org.org_id,
        {
            "description": "A pantry and a warm space.",
            "volunteer_count": 35,
            "annual_income": 120000,
            "wards": ["E05099002", "E05099003"],
            "service_types": ["food_support", "advice_guidance"],
            "website": None,
        },
        **bearer(provider_admin),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["description"] == "A pantry and a warm space."
    assert body["volunteers"] == 35
    assert body["income_band"] == "medium"
    assert [w["gss_code"] for w in body["wards"]] == ["E05099002", "E05099003"]
    assert body["contact_email"] == "sandra@brookfield.example"  # the editor may see them
    org.refresh_from_db()
    assert org.description == "A pantry and a warm space."
    assert org.volunteer_count == 35
    assert org.annual_income == 120000
    assert sorted(org.service_types.values_list("code", flat=True)) == ["advice_guidance", "food_support"]
    assert sorted(org.wards.values_list("gss_code", flat=True)) == ["E05099002", "E05099003"]
    events = AuditEvent.objects.filter(verb="organisation.updated", target_id=str(org.pk))
    assert AuditEvent.objects.count() == before + 1
    event = events.get()
    assert event.actor == provider_admin
    assert set(event.data["changes"]) >= {"description", "volunteer_count", "wards", "service_types"}


def _snapshot(org: Organisation) -> dict:
    org = Organisation.objects.get(pk=org.pk)
    return {
        **{f: getattr(org, f) for f in services.PROFILE_FIELDS},
        "wards": sorted(org.wards.values_list("gss_code", flat=True)),
        "service_types": sorted(org.service_types.values_list("code", flat=True)),
        "client_groups": sorted(org.client_groups.values_list("code", flat=True)),
    }


def test_patch_without_a_token_is_401_and_changes_nothing(client, directory):
    org = directory["charity"]
    before = _snapshot(org)
    assert_problem(patch(client, org.org_id, {"name": "Hijacked"}), 401, "unauthorised")
    assert_problem(
        patch(client, org.org_id, {"name": "Hijacked"}, HTTP_AUTHORIZATION="Bearer trl_x"), 401, "unauthorised"
    )
    assert _snapshot(org) == before


def test_patch_by_a_session_without_a_token_is_401(client, directory, provider_admin):
    client.force_login(provider_admin)
    org = directory["charity"]
    assert_problem(patch(client, org.org_id, {"name": "Renamed"}), 401, "unauthorised")
    assert Organisation.objects.get(pk=org.pk).name == "Brookfield Community Pantry"


def test_patch_with_a_revoked_token_is_401(client, directory, provider_admin):
    from django.utils import timezone

    from trellis.core.models import ApiToken

    headers = bearer(provider_admin)
    ApiToken.objects.filter(person=provider_admin).update(revoked_at=timezone.now())
    assert_problem(patch(client, directory["charity"].org_id, {"name": "Renamed"}, **headers), 401, "unauthorised")


def test_patch_by_another_organisations_admin_is_403_and_changes_nothing(client, directory, other_provider_admin):
    org = directory["charity"]
    before, events = _snapshot(org), AuditEvent.objects.count()
    body = assert_problem(
        patch(client, org.org_id, {"name": "Taken over"}, **bearer(other_provider_admin)), 403, "permission_denied"
    )
    assert "Only the organisation's own admins" in body["title"]
    assert _snapshot(org) == before
    assert AuditEvent.objects.count() == events


def test_patch_by_a_member_who_is_not_an_admin_is_403(client, directory, provider_member):
    org = directory["charity"]
    assert_problem(patch(client, org.org_id, {"phone": "0"}, **bearer(provider_member)), 403, "permission_denied")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "ok", "staff_local_pct": 150}, "staff_local_pct"),
        ({"description": "ok", "annual_income": -5}, "annual_income"),
        ({"description": "ok", "email": "not-an-email"}, "email"),
        ({"description": "ok", "website": "not a url"}, "website"),
        ({"description": "ok", "legal_form": "pirate_ship"}, "legal_form"),
        ({"description": "ok", "vat_number": "GB123456789"}, "vat_number"),
        ({"description": "ok", "name": ""}, "name"),
        ({"description": "ok", "wards": ["E05099001", "E05000000"]}, "wards"),
        ({"description": "ok", "service_types": ["teleportation"]}, "service_types"),
        ({"description": "ok", "client_groups": ["aliens"]}, "client_groups"),
        ({"description": "ok", "other_identifiers": ["GB-CHC-12"]}, "other_identifiers"),
        ({"description": "ok", "staff_count": "lots"}, "staff_count"),
    ],
)
def test_patch_with_a_bad_value_is_422_naming_the_field_and_changes_nothing(
    client, directory, provider_admin, body, field
):
    org = directory["charity"]
    before, events = _snapshot(org), AuditEvent.objects.count()
    problem = assert_problem(patch(client, org.org_id, body, **bearer(provider_admin)), 422, "validation_failed")
    assert field in problem["errors"], problem
    assert all(problem["errors"][field])
    assert _snapshot(org) == before
    assert AuditEvent.objects.count() == events


def test_patch_with_a_body_that_is_not_json_is_a_problem(client, directory, provider_admin):
    org = directory["charity"]
    response = client.patch(
        f"{API}/organisations/{org.org_id}", data="{not json", content_type="application/json", **bearer(provider_admin)
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert _snapshot(org)["name"] == "Brookfield Community Pantry"


def test_patch_unknown_organisation_is_404(client, directory, provider_admin):
    assert_problem(patch(client, "GB-CHC-9999999", {"name": "x"}, **bearer(provider_admin)), 404, "not_found")


def test_platform_admin_may_patch_any_organisation(client, directory, platform_admin):
    response = patch(client, directory["other"].org_id, {"phone": "01632 960999"}, **bearer(platform_admin))
    assert response.status_code == 200, response.content
    assert Organisation.objects.get(pk=directory["other"].pk).phone == "01632 960999"


def test_using_a_token_records_when_it_was_last_used(client, directory, provider_admin):
    from trellis.core.models import ApiToken

    headers = bearer(provider_admin)
    assert ApiToken.objects.get(person=provider_admin).last_used_at is None
    patch(client, directory["charity"].org_id, {"phone": "01632 960123"}, **headers)
    assert ApiToken.objects.get(person=provider_admin).last_used_at is not None


# --- Vocabularies and the OpenAPI document -------------------------------------------------------------------------


def test_vocabularies(client, wards):
    body = client.get(f"{API}/vocabularies").json()
    assert {"code": "food_support", "name": "Food support"} in body["service_types"]
    assert any(c["code"] == "older_people" for c in body["client_groups"])
    assert [b["code"] for b in body["bands"]] == ["micro", "small", "medium", "large", "major", "unknown"]
    assert body["bands"][1]["range"] == "£10,000 to £100,000"
    assert [t["code"] for t in body["tiers"]] == [0, 1, 2, 3]
    assert body["tiers"][0]["requires"] == []
    assert "Safeguarding policy" in body["tiers"][1]["requires"]
    assert any(f["code"] == "cio" for f in body["legal_forms"])
    chc = next(s for s in body["org_id_schemes"] if s["code"] == "GB-CHC")
    assert chc["example"] == "GB-CHC-1164883" and chc["format"]
    assert {"gss_code": "E05099001", "name": "Castlegate"} in body["wards"]
    assert {s["code"] for s in body["sorts"]} == {"name", "-name", "size", "-size", "local"}


def test_openapi_document_lists_the_endpoints_with_descriptions_and_schemas(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert {"/api/v1/organisations", "/api/v1/organisations/{org_id}", "/api/v1/vocabularies"} <= set(paths)
    listing = paths["/api/v1/organisations"]["get"]
    assert listing["description"]
    assert {p["name"] for p in listing["parameters"]} >= {"q", "ward", "band", "tier", "page", "page_size", "sort"}
    assert "200" in listing["responses"] and "422" in listing["responses"]
    patch_op = paths["/api/v1/organisations/{org_id}"]["patch"]
    assert patch_op["security"]
    assert {"200", "401", "403", "422"} <= set(patch_op["responses"])
    schemas = doc["components"]["schemas"]
    assert {"OrganisationPage", "OrganisationDetail", "OrganisationPatch", "Problem", "Vocabularies"} <= set(schemas)


def test_interactive_docs_are_served_without_a_cdn(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
