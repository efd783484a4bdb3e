"""The opportunities forms' own parsing: times as people write them, deadlines in London time, rows added without
JavaScript, the running weight total, the forward plan's filters."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from trellis.opportunities.forms.common import at_london_time, london_parts, parse_time
from trellis.opportunities.forms.edit import CriterionFormSet, DetailsForm, plain_number, weight_total, with_extra_row
from trellis.opportunities.forms.plan import ForwardPlanForm
from trellis.opportunities.templatetags.opportunity_tags import closes_in_text, london, time_text

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("17:00", datetime.time(17, 0)),
        ("5pm", datetime.time(17, 0)),
        ("5.30 p.m.", datetime.time(17, 30)),
        ("9am", datetime.time(9, 0)),
        ("12am", datetime.time(0, 0)),
        ("12pm", datetime.time(12, 0)),
        ("Midday", datetime.time(12, 0)),
        ("noon", datetime.time(12, 0)),
        ("23:59", datetime.time(23, 59)),
        ("7", datetime.time(7, 0)),
    ],
)
def test_times_are_read_as_people_write_them(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["teatime", "25:00", "13pm", "0am", "12:60", "5 o'clock", ""])
def test_times_that_are_not_times(typed):
    assert parse_time(typed) is None


def test_deadlines_are_london_time_in_summer_and_winter():
    summer = at_london_time(datetime.date(2026, 7, 1), datetime.time(17, 0))
    winter = at_london_time(datetime.date(2026, 12, 1), None)
    assert summer.astimezone(datetime.UTC).hour == 16  # British Summer Time is UTC+1
    assert winter.astimezone(datetime.UTC).hour == 12  # midday when no time is given; GMT in winter
    assert london_parts(summer) == (datetime.date(2026, 7, 1), "17:00")
    assert at_london_time(None, datetime.time(9, 0)) is None


def test_moments_are_written_the_gov_uk_way():
    assert time_text(datetime.datetime(2026, 6, 30, 12, 0)) == "midday"
    assert time_text(datetime.datetime(2026, 6, 30, 0, 0)) == "midnight"
    assert time_text(datetime.datetime(2026, 6, 30, 17, 30)) == "5:30pm"
    assert london(datetime.datetime(2026, 6, 30, 16, 0, tzinfo=datetime.UTC)) == "5pm on Tuesday 30 June 2026"


def test_closes_in_counts_calendar_days_in_london():
    now = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=LONDON)
    assert closes_in_text(now + datetime.timedelta(days=12), now) == "closes in 12 days"
    assert closes_in_text(now.replace(hour=23), now) == "closes today at 11pm"
    assert closes_in_text(now + datetime.timedelta(days=1), now) == "closes tomorrow"
    assert closes_in_text(now - datetime.timedelta(minutes=1), now) == "closed"


def test_details_form_joins_day_and_time_and_needs_a_day_for_a_time(db):
    data = {
        "title": "A",
        "kind": "grant_round",
        "closes_on_day": "30",
        "closes_on_month": "6",
        "closes_on_year": "2026",
        "closes_time": "5pm",
        "questions_close_time": "noon",
    }
    form = DetailsForm(data)
    assert not form.is_valid()
    assert form.errors["questions_close_on"] == ["Enter the day for questions close on, as well as the time."]
    data.pop("questions_close_time")
    form = DetailsForm(data)
    assert form.is_valid(), form.errors
    changes = form.changes()
    assert changes["closes_at"] == datetime.datetime(2026, 6, 30, 17, 0, tzinfo=LONDON)
    assert changes["questions_close_at"] is None
    assert changes["stages"] == [] and changes["route"] == ""


def test_adding_a_row_keeps_what_was_typed_and_fills_the_new_one():
    data = QueryDict(mutable=True)
    data.update({"criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-0-name": "Quality"})
    more = with_extra_row(data, "criteria", {"name": "Social value", "weight": "10", "is_price": False})
    assert more["criteria-TOTAL_FORMS"] == "2"
    assert more["criteria-0-name"] == "Quality" and more["criteria-1-name"] == "Social value"
    assert "criteria-1-is_price" not in more
    assert data["criteria-TOTAL_FORMS"] == "1"  # the original is left alone


def test_weight_total_counts_what_is_typed_and_skips_removed_rows():
    data = {
        "criteria-TOTAL_FORMS": "4",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-weight": "30%",
        "criteria-1-weight": "12.5",
        "criteria-2-weight": "40",
        "criteria-2-DELETE": "on",
        "criteria-3-weight": "lots",
    }
    assert weight_total(CriterionFormSet(data, prefix="criteria")) == Decimal("42.5")
    assert weight_total(CriterionFormSet(prefix="criteria", initial=[{"weight": "60"}, {"weight": "40"}])) == 100


def test_plain_numbers():
    assert plain_number(Decimal("60.00")) == "60"
    assert plain_number(Decimal("12.50")) == "12.5"
    assert plain_number(Decimal("100")) == "100"


def test_forward_plan_form_maps_status_groups_and_drops_unknown_values(db):
    form = ForwardPlanForm(QueryDict("q=+food++bank+&status=open&status=planned&kind=grant_round&kind=lottery"))
    form.is_valid()
    assert form.terms == {
        "q": "food bank",
        "kinds": ["grant_round"],
        "service_types": [],
        "wards": [],
        "statuses": ["published", "planned"],
    }
    assert form.in_use
    empty = ForwardPlanForm(QueryDict(""))
    assert empty.is_valid()
    assert not empty.in_use
