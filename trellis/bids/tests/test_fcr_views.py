"""The full cost calculator page: open to anyone; the form, the result tables, errors beside their fields and in the
summary, more rows without JavaScript, the JSON download, and no server error for anything a browser can send."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from trellis.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/bids/full-cost/"


def template_post(**changes) -> dict[str, str]:
    """The NPC-style template example, as typed into the page."""
    data = {
        "centres": "3",
        "overheads": "4",
        "centre-0-name": "This Project",
        "centre-0-direct_costs": "£3,267",
        "centre-0-headcount": "0.35",
        "centre-1-name": "Director",
        "centre-1-direct_costs": "0",
        "centre-1-headcount": "1.45",
        "centre-2-name": "Support services",
        "centre-2-direct_costs": "0",
        "centre-2-headcount": "0.95",
        "overhead-0-name": "Premises and office costs",
        "overhead-0-amount": "1,520.00",
        "overhead-0-driver": "headcount",
        "overhead-1-driver": "headcount",
        "overhead-2-driver": "staff_time",
        "overhead-3-driver": "headcount",
        "totals-headcount": "5",
        "action": "calculate",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def errors(response) -> list[str]:
    html = response.content.decode()
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'class="govuk-error-message">(.*?)</p>', html, re.S)
    ]


def summary(response) -> list[tuple[str, str]]:
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r'<a href="([^"]+)">(.*?)</a>', block.group(1)) if block else []


def test_the_url_and_the_navigation(client):
    assert reverse("bids:fcr") == URL
    page = client.get("/")
    assert f'href="{URL}"' in page.content.decode()
    assert "Full cost calculator" in page.content.decode()


def test_anyone_sees_the_form(client):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert "<title>Full cost calculator – Trellis</title>" in html
    # 2 projects and 4 overheads by default, each input with its label
    assert len(re.findall(r'name="centre-\d-name"', html)) == 2
    assert len(re.findall(r'name="overhead-\d-amount"', html)) == 4
    for field_id in (
        "id_centre-0-direct_costs",
        "id_centre-1-staff_time",
        "id_overhead-3-driver",
        "id_totals-headcount",
    ):
        assert f'for="{field_id}"' in html and f'id="{field_id}"' in html
    assert 'value="add_centre"' in html and 'value="add_overhead"' in html
    assert "govuk-error-summary" not in html and "The full cost" not in text(page)
    assert "<script>" not in html and 'style="' not in html
    assert '<details class="govuk-details" id="totals">' in html  # closed: nothing typed there


def test_signed_in_people_see_it_too(client, provider_admin):
    client.force_login(provider_admin)
    assert client.get(URL).status_code == 200


def test_more_rows_from_the_address(client):
    html = client.get(URL, {"centres": "5", "overheads": "8"}).content.decode()
    assert len(re.findall(r'name="centre-\d-name"', html)) == 5
    assert len(re.findall(r'name="overhead-\d-name"', html)) == 8
    assert 'value="add_centre"' not in html and 'value="add_overhead"' not in html
    assert "trellis fcr" in html
    for silly in ({"centres": "-3"}, {"centres": "lots"}, {"centres": "99999999999999999999"}, {"overheads": ""}):
        assert client.get(URL, silly).status_code == 200


def test_a_valid_post_shows_the_result_tables(client):
    before = AuditEvent.objects.count()
    page = client.post(URL, template_post(**{"centre-0-units": "40", "centre-0-price": "3000"}))
    assert page.status_code == 200
    body = text(page)
    assert "<title>Your full cost – Full cost calculator – Trellis</title>" in page.content.decode()
    assert "govuk-error-summary" not in page.content.decode()
    for expected in (
        "The full cost",
        "This Project £3,267.00 £106.40 £3,373.40 3.3%",
        "Director £0.00 £440.80 £440.80 —",
        "Support services £0.00 £288.80 £288.80 —",
        "Total £3,267.00 £836.00 £4,103.00 25.6%",
        "Premises and office costs shared by headcount £106.40",
        "Cost per unit full cost ÷ 40 units £84.34",
        "Your price £3,000.00",
        "Below full cost by £373.40",
        "£684.00 of your £1,520.00 overheads (45.0%) is left to activities that are not in this calculation",
        "headcount: 2.75 of 5",
        "How this is worked out",
        "ACEVO and New Philanthropy Capital",
    ):
        assert expected in body, expected
    html = page.content.decode()
    assert "govuk-warning-text" in html
    assert "This Project: the price of £3,000.00 is £373.40 below the full cost of £3,373.40." in body
    # the form is shown again with what was typed, to change it
    assert 'value="£3,267"' in html and "Change your costs" in body
    assert AuditEvent.objects.count() == before  # nothing is stored


def test_no_warning_when_the_price_covers_the_full_cost(client):
    page = client.post(URL, template_post(**{"centre-0-price": "3373.40"}))
    assert "govuk-warning-text" not in page.content.decode()
    assert "Your price £3,373.40" in text(page)


def test_empty_rows_are_ignored(client):
    page = client.post(
        URL,
        {
            "centres": "5",
            "overheads": "8",
            "centre-3-name": "Lunch club",
            "centre-3-direct_costs": "900",
            "centre-3-floor_area": "30",
            "overhead-6-name": "Rent",
            "overhead-6-amount": "100",
            "overhead-6-driver": "floor_area",
            "overhead-0-driver": "headcount",
        },
    )
    body = text(page)
    assert "Lunch club £900.00 £100.00 £1,000.00 11.1%" in body
    assert not errors(page)


def test_invalid_input_shows_each_error_beside_its_field_and_in_the_summary(client):
    page = client.post(
        URL,
        template_post(
            **{
                "centre-0-direct_costs": "-5",
                "centre-1-name": "",
                "centre-2-headcount": "lots",
                "overhead-1-amount": "20",
                "totals-headcount": "1",
            }
        ),
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Error: Full cost calculator – Trellis</title>" in html
    assert "The full cost" not in text(page).replace("Work out the full cost", "")
    assert summary(page) == [
        ("#id_centre-0-direct_costs", "Project or service 1: Direct costs cannot be negative."),
        ("#id_centre-1-name", "Project or service 2: Give the project or service a name."),
        ("#id_centre-2-headcount", "Project or service 3: Headcount must be a number, like 3 or 2.5."),
        ("#id_overhead-1-name", "Overhead 2: Give the overhead a name."),
    ]
    assert "Error: Direct costs cannot be negative." in errors(page)
    assert 'aria-invalid="true"' in html and "govuk-input--error" in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    # what was typed stays in the form
    assert 'value="-5"' in html and 'value="lots"' in html


def test_whole_organisation_totals_smaller_than_the_projects(client):
    page = client.post(URL, template_post(**{"totals-headcount": "1"}))
    assert summary(page) == [
        (
            "#id_totals-headcount",
            "Whole organisation: The whole organisation&#x27;s headcount (1) cannot be less than the total of the "
            "projects and services listed (2.75).",
        )
    ]
    assert re.search(r'<details class="govuk-details" id="totals" open>', page.content.decode())


def test_an_overhead_shared_by_a_measure_nobody_gave(client):
    page = client.post(
        URL,
        template_post(**{"overhead-1-name": "Finance", "overhead-1-amount": "200", "overhead-1-driver": "floor_area"}),
    )
    assert summary(page) == [
        (
            "#id_overhead-1-driver",
            "Overhead 2: The total floor area (m²) is 0, so “Finance” cannot be shared out by it. "
            "Give the floor area (m²) of each project or service, or choose another driver.",
        )
    ]


def test_nothing_typed(client):
    page = client.post(URL, {"centres": "2", "overheads": "4", "action": "calculate"})
    assert summary(page) == [("#costs", "Enter at least one project or service, with its name and direct costs.")]
    assert 'id="costs"' in page.content.decode()


def test_adding_rows_keeps_what_was_typed_without_showing_errors(client):
    data = template_post(**{"action": "add_centre", "centre-0-direct_costs": "oops"})
    page = client.post(URL, data)
    html = page.content.decode()
    assert len(re.findall(r'name="centre-\d-name"', html)) == 4
    assert 'name="centres" value="4"' in html
    assert 'value="oops"' in html and 'value="This Project"' in html and 'value="5"' in html
    assert '<details class="govuk-details" id="totals" open>' in html  # the totals typed are shown
    assert "govuk-error-summary" not in html
    page = client.post(URL, template_post(action="add_overhead"))
    html = page.content.decode()
    assert len(re.findall(r'name="overhead-\d-name"', html)) == 5
    assert '<option value="staff_time" selected>' in html  # the third overhead's choice is kept
    # at the most rows, no more are added
    page = client.post(URL, template_post(action="add_centre", centres="5"))
    assert len(re.findall(r'name="centre-\d-name"', page.content.decode())) == 5


def test_download_the_costs_as_json_for_the_command_line(client, tmp_path):
    response = client.post(reverse("bids:fcr_input_json"), template_post(**{"centre-0-price": "3000"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="full-cost-input.json"'
    data = json.loads(response.content)
    assert data["cost_centres"][0] == {
        "name": "This Project",
        "direct_costs": 3267.0,
        "drivers": {"headcount": 0.35},
        "price": 3000.0,
    }
    assert data["overheads"] == [{"name": "Premises and office costs", "amount": 1520.0, "driver": "headcount"}]
    assert data["driver_totals"] == {"headcount": 5}
    # the file works with `trellis fcr`
    path = tmp_path / "costs.json"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("fcr", "--input", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["totals"]["full_cost"] == 4103


def test_download_with_bad_input_shows_the_errors_instead(client):
    page = client.post(reverse("bids:fcr_input_json"), template_post(**{"centre-0-direct_costs": "x"}))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert summary(page)[0][0] == "#id_centre-0-direct_costs"


def test_the_download_address_sends_a_get_back_to_the_calculator(client):
    response = client.get(reverse("bids:fcr_input_json"))
    assert response.status_code == 302 and response["Location"] == URL


GARBAGE = [
    {},
    {"centres": "abc", "overheads": "-1"},
    {"centres": "5", "overheads": "8", "action": "nonsense"},
    {"centre-0-name": "x" * 5000, "centre-0-direct_costs": "9" * 5000},
    {"centre-0-name": "A", "centre-0-direct_costs": "1e999999", "centre-0-headcount": "NaN"},
    {"centre-0-name": "A", "centre-0-direct_costs": "Infinity", "centre-0-units": "-0"},
    {"centre-0-name": "A\x00B", "centre-0-direct_costs": "1", "overhead-0-name": "R", "overhead-0-amount": "1"},
    {
        "centre-0-name": "A",
        "centre-0-direct_costs": "1",
        "overhead-0-name": "R",
        "overhead-0-amount": "1",
        "overhead-0-driver": "../../etc",
    },
    {"centre-0-name": "A", "centre-0-direct_costs": "99999999999", "centre-0-price": "0.001"},
    {"centre-0-name": "A", "centre-0-direct_costs": "1", "centre-1-name": "a", "centre-1-direct_costs": "2"},
    {
        "centre-0-name": "A",
        "centre-0-direct_costs": "0",
        "overhead-0-name": "G",
        "overhead-0-amount": "5",
        "overhead-0-driver": "direct_expenditure",
    },
    {
        "centre-0-name": "A",
        "centre-0-direct_costs": "1",
        "totals-headcount": "0",
        "overhead-0-name": "R",
        "overhead-0-amount": "1",
        "overhead-0-driver": "headcount",
    },
    {"centre-0-name": "A", "centre-0-direct_costs": "1", "centre-0-units": "0.0000001"},
    {"centre-0-name": ["A", "B"], "centre-0-direct_costs": ["1", "x"]},
]


@pytest.mark.parametrize("data", GARBAGE)
def test_garbage_never_causes_a_server_error(client, data):
    for url in (URL, reverse("bids:fcr_input_json")):
        response = client.post(url, data)
        assert response.status_code == 200
        if response["Content-Type"].startswith("text/html"):
            assert response.content.decode().count("<h1") == 1


def test_other_methods_are_refused(client):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
