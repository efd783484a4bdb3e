"""The local sector profile: the counts, the sections built from them, the page and its charts (the drawing
itself is tested with the charts, in places)."""

from __future__ import annotations

import re
from html import unescape
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trellis.organisations import selectors
from trellis.organisations.domain.sector_profile import CHARTS, Row, alt_text, percent, plural, section, sections
from trellis.organisations.tests.factories import OrganisationFactory, PlaceFactory, WardFactory

PROFILE = "/places/northbridge/profile/"


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def sector(place, wards):
    """Six organisations of Northbridge, one of them borough-wide, plus some that must not count."""
    castlegate, mill_hill, riverside = wards
    pantry = OrganisationFactory(name="Pantry", income_band="micro", accreditation_tier=1)
    pantry.wards.set([castlegate, mill_hill])
    pantry.service_types.set(["food_support", "advice_guidance"])
    carers = OrganisationFactory(name="Carers", income_band="small", legal_form="charitable_company")
    carers.wards.set([mill_hill])
    carers.service_types.set(["carers_support"])
    youth = OrganisationFactory(
        name="Youth", income_band="small", accreditation_tier=2, registered_office_in_place=False
    )
    youth.wards.set([riverside])
    youth.service_types.set(["youth_work", "advice_guidance"])
    care = OrganisationFactory(
        name="Care Ltd",
        income_band="large",
        sector="private",
        legal_form="private_company",
        borough_wide=True,
        registered_office_in_place=False,
        accreditation_tier=3,
    )
    care.service_types.set(["social_care_home_support"])
    care.wards.set([castlegate])  # borough-wide: counted once per ward, not twice here
    OrganisationFactory(name="Unknown size", income_band="unknown")  # no wards, no services
    council = OrganisationFactory(name="Council", sector="public", legal_form="local_authority", income_band="unknown")
    council.borough_wide = False
    council.save()
    # Not counted: a delisted organisation, a consortium, and one from another place.
    OrganisationFactory(name="Closed", is_active=False)
    OrganisationFactory(name="Consortium", is_consortium=True, legal_form="consortium")
    elsewhere = PlaceFactory(name="Elsewhere", slug="elsewhere", gss_code="E08000098")
    far = OrganisationFactory(name="Far", place=elsewhere)
    far.wards.set([WardFactory(place=elsewhere, name="Far ward", gss_code="E05098001")])
    # Counted: registered elsewhere but working in one of Northbridge's wards.
    visitor = OrganisationFactory(
        name="Visitor", place=elsewhere, income_band="medium", registered_office_in_place=False
    )
    visitor.wards.set([riverside])
    return place


# The counts ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sector_profile_counts(sector):
    counts = selectors.sector_profile(place=sector)
    assert counts["total"] == 7
    assert counts["local"] == 4  # pantry, carers, unknown size, council
    assert counts["borough_wide"] == 1
    assert counts["no_wards"] == 2  # unknown size, council
    assert counts["no_service_types"] == 3  # unknown size, council, visitor
    assert {b["code"]: b["count"] for b in counts["bands"]} == {
        "micro": 1,
        "small": 2,
        "medium": 1,
        "large": 1,
        "major": 0,
        "unknown": 2,
    }
    services = {s["code"]: s["count"] for s in counts["service_types"]}
    assert services["advice_guidance"] == 2 and services["food_support"] == 1 and services["befriending"] == 0
    assert counts["service_types"][0]["code"] == "advice_guidance"  # most common first
    assert len(services) == 25  # every service, so gaps show
    assert [(w["label"], w["own"], w["borough_wide"], w["count"]) for w in counts["wards"]] == [
        ("Castlegate", 1, 1, 2),
        ("Mill Hill", 2, 1, 3),
        ("Riverside", 2, 1, 3),
    ]
    assert {s["code"]: s["count"] for s in counts["sectors"]} == {"vcse": 5, "private": 1, "public": 1}
    assert [(f["code"], f["count"]) for f in counts["legal_forms"]] == [
        ("cio", 4),
        ("charitable_company", 1),
        ("private_company", 1),
        ("local_authority", 1),
    ]
    assert [(t["code"], t["count"]) for t in counts["tiers"]] == [(3, 1), (2, 1), (1, 1), (0, 4)]


@pytest.mark.django_db
def test_sector_profile_uses_a_fixed_number_of_queries(sector, wards):
    with CaptureQueriesContext(connection) as first:
        selectors.sector_profile(place=sector)
    for _ in range(10):
        OrganisationFactory().wards.set(wards)
    with CaptureQueriesContext(connection) as second:
        selectors.sector_profile(place=sector)
    assert len(first.captured_queries) == len(second.captured_queries) <= 10


@pytest.mark.django_db
def test_an_empty_place_counts_zero(place, wards):
    counts = selectors.sector_profile(place=place)
    assert counts["total"] == 0
    assert all(w["count"] == 0 for w in counts["wards"])
    assert counts["legal_forms"] == []


# Sections (pure) ----------------------------------------------------------------------------------


def test_percent_rounds_halves_up_and_copes_with_nothing():
    assert percent(1, 8) == "13%"  # 12.5
    assert percent(1, 3) == "33%"
    assert percent(2, 3) == "67%"
    assert percent(0, 0) == "0%"
    assert percent(5, 5) == "100%"


def test_plural():
    assert plural(1, "organisation") == "1 organisation"
    assert plural(2, "organisation") == "2 organisations"
    assert plural(3, "group has", "groups have") == "3 groups have"


def test_alt_text_summarises_the_largest_groups():
    rows = [Row("Small", 6, "60%"), Row("Micro", 3, "30%"), Row("Major", 0, "0%"), Row("Large", 1, "10%")]
    assert alt_text("size", rows, 10) == (
        "Bar chart of 10 organisations by size. The largest group is Small: 6 (60%). Next is Micro: 3. "
        "1 group has none. The table gives every figure."
    )
    assert alt_text("ward", rows, 10, adds_up=False).endswith(
        "An organisation can be counted more than once. The table gives every figure."
    )
    assert alt_text("size", rows, 0) == "Bar chart of organisations by size: there are no organisations to count yet."
    assert "none of the 4 organisations" in alt_text("ward", [Row("Castlegate", 0, "0%")], 4)


@pytest.mark.django_db
def test_sections_link_rows_to_the_filtered_directory(sector):
    built = {s.key: s for s in sections(selectors.sector_profile(place=sector), "Northbridge")}
    assert list(built) == list(CHARTS)
    size = built["size"]
    assert size.rows[0].label == "Micro (under £10,000)" and size.rows[0].filters == (("band", "micro"),)
    assert size.rows[-1].label == "Not known (income not known)" and size.rows[-1].filters == ()
    wards = built["wards"]
    assert wards.rows[0].filters == (("ward", "E05099001"),)
    assert wards.rows[0].detail == "1 named this ward; 1 works across the whole area"
    assert not wards.adds_up
    assert "counts the 1 organisation that works across the whole of Northbridge (borough-wide)" in wards.notes[0]
    assert wards.notes[1] == "2 organisations have not said which wards they work in."
    assert wards.parts == (
        ("Named this ward", (1, 2, 2)),
        ("Borough-wide: work across the whole area", (1, 1, 1)),
    )
    assert "Each bar is split into organisations that named the ward and those that work borough-wide." in wards.alt
    assert built["size"].labels[:2] == ["Micro", "Small"]  # the table has the ranges; the chart is kept short
    local = built["local"]
    assert [(r.label, r.count, r.share, r.filters) for r in local.rows] == [
        ("Registered office in Northbridge", 4, "57%", (("local", "1"),)),
        ("Registered office elsewhere or not known", 3, "43%", ()),
    ]
    assert built["accreditation"].rows[0].filters == (("tier", "3"),)
    assert all(r.filters == () for r in built["legal-form"].rows)
    assert built["services"].rows[0].filters == (("service_type", "advice_guidance"),)
    assert section(selectors.sector_profile(place=sector), "Northbridge", "nope") is None


# The page -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_can_see_the_profile_with_charts_and_tables(client, sector):
    response = client.get(PROFILE)
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert html.count("<h1") == 1
    assert "Local sector profile: Northbridge" in page
    assert "7 organisations are listed as based in Northbridge or working in its wards." in page
    for key in CHARTS:
        assert f'src="/places/northbridge/profile/{key}.svg"' in html
    assert html.count('<caption class="govuk-table__caption') == len(CHARTS)
    assert 'alt="Bar chart of 7 organisations by size (yearly income). The largest group is Small' in html
    assert 'href="/directory/?ward=E05099002">Mill Hill</a>' in html
    assert 'href="/directory/?band=small">Small (£10,000 to £100,000)</a>' in html
    assert 'href="/directory/?local=1">Registered office in Northbridge</a>' in html
    assert "works across the whole of Northbridge (borough-wide)" in page
    assert "Audit Commission and NAVCA" in page
    assert "<svg" not in html.split("<main", 1)[1]  # charts are images, never inline


@pytest.mark.django_db
def test_the_default_profile_is_the_first_place(client, sector):
    response = client.get("/places/profile/")
    assert response.status_code == 200
    assert "Local sector profile: Northbridge" in text(response)


@pytest.mark.django_db
def test_with_no_place_the_page_says_how_to_load_the_demo(client):
    response = client.get("/places/profile/")
    assert response.status_code == 200
    page = text(response)
    assert "No place has been set up yet" in page
    assert "trellis demo load" in page


@pytest.mark.django_db
def test_an_unknown_place_is_404(client, place):
    assert client.get("/places/nowhere/profile/").status_code == 404
    assert client.get("/places/nowhere/profile/size.svg").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_is_served_as_svg_with_cache_headers(client, sector, chart):
    response = client.get(f"/places/northbridge/profile/{chart}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    ElementTree.fromstring(response.content)
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["ETag"]
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


@pytest.mark.django_db
def test_a_chart_shows_the_counts(client, sector):
    body = client.get("/places/northbridge/profile/wards.svg").content.decode()
    assert "Castlegate" in body and "Mill Hill" in body and "Riverside" in body


@pytest.mark.django_db
def test_an_unchanged_chart_is_not_sent_again_but_a_changed_one_is(client, sector, wards):
    first = client.get("/places/northbridge/profile/wards.svg")
    again = client.get("/places/northbridge/profile/wards.svg", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    OrganisationFactory(name="Newcomer").wards.set([wards[0]])
    changed = client.get("/places/northbridge/profile/wards.svg", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


@pytest.mark.django_db
def test_an_unknown_chart_is_404(client, sector):
    assert client.get("/places/northbridge/profile/pie.svg").status_code == 404
    assert client.get("/places/northbridge/profile/..%2Fsize.svg").status_code == 404


def test_alt_text_with_one_group_names_no_next_one():
    rows = [Row("Small", 4, "100%"), Row("Micro", 0, "0%")]
    assert alt_text("size", rows, 4) == (
        "Bar chart of 4 organisations by size. The largest group is Small: 4 (100%). 1 group has none. "
        "The table gives every figure."
    )


@pytest.mark.django_db
def test_when_everyone_has_said_their_services_and_wards_no_note_says_otherwise(sector):
    profile = {**selectors.sector_profile(place=sector), "no_service_types": 0, "no_wards": 0}
    built = {s.key: s for s in sections(profile, "Northbridge")}
    for key in ("services", "wards"):
        assert not any("not said" in note for note in built[key].notes), key
    complete = {s.key: s for s in sections(selectors.sector_profile(place=sector), "Northbridge")}
    assert any("not said" in note for note in complete["wards"].notes)
