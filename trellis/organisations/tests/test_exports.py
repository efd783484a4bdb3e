"""Directory downloads: CSV and Excel of every matching organisation, private columns for staff only."""

import csv
import io
import re

import pytest
import time_machine
from openpyxl import load_workbook

from trellis.core.models import AuditEvent
from trellis.organisations import exports
from trellis.organisations.selectors import DirectoryFilters, search, with_listing_data
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
#: The server's clock for the tests that read the date in a file name: half past midnight on 1 June 2026 in London,
#: still 31 May in UTC. The file is named by the date in London.
AFTER_MIDNIGHT = time_machine.travel("2026-05-31T23:30:00+00:00", tick=False)

CSV_URL = "/directory/export.csv"
XLSX_URL = "/directory/export.xlsx"
PUBLIC_HEADER = [
    "Organisation identifier (org-id)",
    "Name",
    "Legal form",
    "Sector",
    "Income band",
    "Staff",
    "Volunteers",
    "Wards",
    "Service types",
    "Client groups",
    "Registered office local",
    "Active locally since",
    "Accreditation tier",
    "Website",
    "Public email",
    "Phone",
    "Postcode",
]
PRIVATE_HEADER = ["Contact name", "Contact email", "Contact phone"]


def read_csv(response) -> list[dict[str, str]]:
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff"), "a byte-order mark lets Excel read the file as UTF-8"
    return list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))


def read_xlsx(response) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Directory"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def listing(wards):
    pantry = OrganisationFactory(
        name="Brookfield Community Pantry",
        org_id="GB-CHC-1164883",
        income_band="micro",
        staff_count=2,
        volunteer_count=35,
        active_locally_since=2014,
        accreditation_tier=1,
        website="https://pantry.example.org",
        email="hello@pantry.example.org",
        phone="01632 960 000",
        postcode="NB1 2AB",
        contact_name="Sandra Okafor",
        contact_email="sandra@pantry.example.org",
        contact_phone="07700 900 001",
    )
    pantry.wards.set(wards[:2])
    pantry.service_types.set(["food_support", "advice_guidance"])
    pantry.client_groups.set(["families"])
    national = OrganisationFactory(
        name="Careline National Services Ltd",
        description="Home care across the North.",
        legal_form="private_company",
        sector="private",
        income_band="major",
        borough_wide=True,
        registered_office_in_place=False,
        contact_email="bids@careline.example.com",
    )
    for i in range(30):
        OrganisationFactory(name=f"Micro Group {i:02d}", income_band="micro")
    return {"pantry": pantry, "national": national}


class TestCsv:
    @AFTER_MIDNIGHT
    def test_anyone_can_download_the_filtered_list_with_public_columns_only(self, client, listing):
        response = client.get(CSV_URL, {"band": "micro"})
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="northbridge-directory-2026-06-01.csv"'
        rows = read_csv(response)
        assert list(rows[0]) == PUBLIC_HEADER
        # Every matching row, not just a page of 20.
        assert len(rows) == 31
        assert "Careline National Services Ltd" not in {r["Name"] for r in rows}
        pantry = next(r for r in rows if r["Name"] == "Brookfield Community Pantry")
        assert pantry == {
            "Organisation identifier (org-id)": "GB-CHC-1164883",
            "Name": "Brookfield Community Pantry",
            "Legal form": "Charitable incorporated organisation (CIO)",
            "Sector": "Voluntary, community or social enterprise",
            "Income band": "Micro (under £10,000)",
            "Staff": "2",
            "Volunteers": "35",
            "Wards": "Castlegate; Mill Hill",
            "Service types": "Advice and guidance; Food support",
            "Client groups": "Families and parents",
            "Registered office local": "Yes",
            "Active locally since": "2014",
            "Accreditation tier": "Tier 1: Foundation",
            "Website": "https://pantry.example.org",
            "Public email": "hello@pantry.example.org",
            "Phone": "01632 960 000",
            "Postcode": "NB1 2AB",
        }
        assert b"sandra@pantry.example.org" not in b"".join(client.get(CSV_URL).streaming_content)

    def test_same_filters_as_the_page(self, client, listing, wards):
        rows = read_csv(client.get(CSV_URL, {"q": "pantry", "ward": wards[0].gss_code}))
        assert [r["Name"] for r in rows] == ["Brookfield Community Pantry"]
        rows = read_csv(client.get(CSV_URL, {"ward": wards[1].gss_code, "sort": "-size"}))
        assert [r["Name"] for r in rows] == ["Careline National Services Ltd", "Brookfield Community Pantry"]
        assert rows[0]["Wards"] == "Across Northbridge"

    def test_commissioner_gets_contact_columns(self, client, listing, commissioner):
        client.force_login(commissioner)
        rows = read_csv(client.get(CSV_URL, {"q": "careline"}))
        assert list(rows[0])[-3:] == PRIVATE_HEADER
        assert rows[0]["Contact email"] == "bids@careline.example.com"

    @pytest.mark.parametrize("who", ["provider_admin", "resident"])
    def test_providers_and_residents_get_public_columns_even_for_their_own_organisation(
        self, client, listing, request, who
    ):
        client.force_login(request.getfixturevalue(who))
        rows = read_csv(client.get(CSV_URL))
        assert list(rows[0]) == PUBLIC_HEADER

    def test_bad_filter_values_still_give_a_file(self, client, listing):
        response = client.get(CSV_URL, {"ward": "nope", "tier": "x", "sort": "?", "page": "abc"})
        assert response.status_code == 200
        assert len(read_csv(response)) == 32

    def test_empty_result_is_a_header_only_file(self, client, listing):
        assert read_csv(client.get(CSV_URL, {"q": "zzzzzz"})) == []

    def test_inactive_organisations_are_not_exported(self, client, listing):
        OrganisationFactory(name="Wound Up Trust", is_active=False)
        assert "Wound Up Trust" not in {r["Name"] for r in read_csv(client.get(CSV_URL))}

    def test_query_count_does_not_grow_with_rows(self, client, listing, django_assert_max_num_queries):
        with django_assert_max_num_queries(12):
            response = client.get(CSV_URL)
            assert len(read_csv(response)) == 32


class TestXlsx:
    @AFTER_MIDNIGHT
    def test_parses_back_with_the_filtered_rows(self, client, listing):
        response = client.get(XLSX_URL, {"band": "micro", "local": "1"})
        assert response.status_code == 200
        assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == 'attachment; filename="northbridge-directory-2026-06-01.xlsx"'
        rows = read_xlsx(response)
        assert len(rows) == 31
        assert list(rows[0]) == PUBLIC_HEADER
        pantry = next(r for r in rows if r["Name"] == "Brookfield Community Pantry")
        assert pantry["Staff"] == 2 and pantry["Active locally since"] == 2014
        assert pantry["Wards"] == "Castlegate; Mill Hill"
        assert pantry["Registered office local"] == "Yes"

    def test_private_columns_only_for_staff(self, client, listing, procurement_officer):
        assert "Contact email" not in read_xlsx(client.get(XLSX_URL))[0]
        client.force_login(procurement_officer)
        rows = read_xlsx(client.get(XLSX_URL, {"q": "pantry"}))
        assert rows[0]["Contact name"] == "Sandra Okafor"
        assert rows[0]["Contact phone"] == "07700 900 001"

    def test_control_characters_do_not_break_the_file(self, client, listing):
        OrganisationFactory(name="Bell\x07 Ringers", description="")
        rows = read_xlsx(client.get(XLSX_URL, {"q": "ringers"}))
        assert rows[0]["Name"] == "Bell Ringers"


class TestFormulaInjection:
    @pytest.fixture
    def hostile(self, db):
        return OrganisationFactory(
            name='=HYPERLINK("https://evil.example","Click")',
            phone="+44 1632 960000",
            postcode="-NB1",
            website="https://safe.example.org",
            email="x@example.org",
            description="",
            contact_name="@SUM(1+1)",
        )

    def test_csv_cells_are_quoted(self, client, hostile, commissioner):
        client.force_login(commissioner)
        row = read_csv(client.get(CSV_URL))[0]
        assert row["Name"] == '\'=HYPERLINK("https://evil.example","Click")'
        assert row["Phone"] == "'+44 1632 960000"
        assert row["Postcode"] == "'-NB1"
        assert row["Contact name"] == "'@SUM(1+1)"
        assert row["Website"] == "https://safe.example.org"

    def test_xlsx_cells_are_text_not_formulas(self, client, hostile):
        response = client.get(XLSX_URL)
        sheet = load_workbook(io.BytesIO(response.content))["Directory"]
        name_cell = sheet["B2"]
        assert name_cell.data_type == "s"
        assert name_cell.value == '\'=HYPERLINK("https://evil.example","Click")'
        assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


class TestAudit:
    def test_a_download_with_contact_details_is_recorded(self, client, listing, commissioner):
        client.force_login(commissioner)
        before = AuditEvent.objects.count()
        read_csv(client.get(CSV_URL, {"band": "major"}))
        event = AuditEvent.objects.order_by("seq").last()
        assert AuditEvent.objects.count() == before + 1
        assert event.verb == "directory.exported"
        assert event.actor == commissioner
        assert event.data["format"] == "csv"
        assert event.data["rows"] == 1
        assert event.data["filters"]["bands"] == ["major"]

    def test_a_public_download_is_not_recorded(self, client, listing):
        before = AuditEvent.objects.count()
        client.get(XLSX_URL)
        assert AuditEvent.objects.count() == before


class TestRowsAndWriters:
    def test_guard(self):
        assert exports.guard("=1+1") == "'=1+1"
        assert exports.guard("+1") == "'+1"
        assert exports.guard("-1") == "'-1"
        assert exports.guard("@A1") == "'@A1"
        assert exports.guard("\t=1") == "'\t=1"
        assert exports.guard("a=1") == "a=1"
        assert exports.guard("") == ""
        assert exports.guard(None) is None
        assert exports.guard(3) == 3
        assert exports.guard(True) == "Yes" and exports.guard(False) == "No"

    def test_rows_follow_the_header_with_and_without_private_columns(self, listing):
        orgs = with_listing_data(search(DirectoryFilters(q="pantry")))
        public = list(exports.rows(orgs, include_private=False))
        private = list(exports.rows(orgs, include_private=True))
        assert exports.header(False) == PUBLIC_HEADER
        assert exports.header(True) == PUBLIC_HEADER + PRIVATE_HEADER
        assert len(public[0]) == len(PUBLIC_HEADER)
        assert private[0][-3:] == ["Sandra Okafor", "sandra@pantry.example.org", "07700 900 001"]
        assert private[0][: len(PUBLIC_HEADER)] == public[0]
        assert [c.key for c in exports.columns(True)][:2] == ["org_id", "name"]

    def test_filename(self, settings):
        from datetime import date

        assert exports.filename("csv", date(2026, 11, 22)) == "northbridge-directory-2026-11-22.csv"
        settings.TRELLIS_PLACE_NAME = "Kingston upon Hull"
        assert exports.filename("xlsx", date(2026, 1, 2)) == "kingston-upon-hull-directory-2026-01-02.xlsx"

    def test_writers_round_trip(self, listing):
        orgs = list(with_listing_data(search(DirectoryFilters(bands=["major"]))))
        text = "".join(exports.csv_chunks(orgs, include_private=False))
        assert re.match(r"^\ufeffOrganisation identifier \(org-id\),Name,", text)
        stream = io.BytesIO()
        exports.write_xlsx(orgs, include_private=True, stream=stream)
        sheet = load_workbook(io.BytesIO(stream.getvalue()))["Directory"]
        assert sheet.freeze_panes == "A2"
        assert sheet["B2"].value == "Careline National Services Ltd"
        assert sheet["B1"].font.bold
