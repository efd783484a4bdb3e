"""Facts: every field is checked, every problem is named at once, and valid facts round-trip."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trellis.core.errors import ValidationFailed
from trellis.routes.domain import Facts, FactsInvalid, Purpose, ServiceCategory

GOOD = {
    "purpose": "buy_service",
    "estimated_value_gbp": 250000,
    "duration_months": 36,
    "service_category": "light_touch",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 6,
    "capable_small_or_local": 4,
}


def errors_for(**changes):
    data = {**GOOD, **changes}
    data = {k: v for k, v in data.items() if v is not ...}
    with pytest.raises(FactsInvalid) as failure:
        Facts.from_dict(data)
    return failure.value.errors


def test_good_facts_get_defaults_for_the_optional_fields():
    facts = Facts.from_dict(GOOD)
    assert facts.purpose is Purpose.BUY_SERVICE
    assert facts.estimated_value_gbp == Decimal("250000")
    assert facts.service_category is ServiceCategory.LIGHT_TOUCH
    assert facts.procurement_start == date(2026, 4, 1)
    assert facts.incumbent_scenario == 0
    assert (facts.needs_codesign, facts.innovation, facts.existing_framework) == (False, False, False)
    assert (str(facts.cross_authority), str(facts.urgency), str(facts.risk)) == ("none", "normal", "medium")
    assert facts.direct_award_justification == ""
    assert facts.service_types == () and facts.wards == ()


def test_to_dict_round_trips_through_from_dict():
    full = {
        **GOOD,
        "estimated_value_gbp": 12345.67,
        "incumbent_scenario": 4,
        "needs_codesign": True,
        "innovation": True,
        "cross_authority": "lead_authority",
        "existing_framework": True,
        "urgency": "extreme",
        "risk": "high",
        "direct_award_justification": "extreme_urgency",
        "service_types": ["food_support"],
        "wards": ["E05099001", "E05099002"],
    }
    facts = Facts.from_dict(full)
    assert facts.to_dict() == full
    assert Facts.from_dict(facts.to_dict()) == facts


def test_facts_invalid_is_a_validation_failure_naming_every_field():
    with pytest.raises(ValidationFailed) as failure:
        Facts.from_dict({"purpose": "buy_service"})
    missing = set(GOOD) - {"purpose"}
    assert set(failure.value.errors) == missing
    assert "estimated_value_gbp" in failure.value.message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("purpose", "buy_stuff", "not one of the choices"),
        ("estimated_value_gbp", -1, "cannot be negative"),
        ("estimated_value_gbp", -0.01, "cannot be negative"),
        ("estimated_value_gbp", 10_000_000_000, "less than £10,000,000,000"),
        ("estimated_value_gbp", "lots", "number of pounds"),
        ("estimated_value_gbp", True, "number of pounds"),
        ("estimated_value_gbp", "NaN", "number of pounds"),
        ("estimated_value_gbp", 100.001, "2 decimal places"),
        ("duration_months", 0, "at least 1"),
        ("duration_months", 241, "from 1 to 240"),
        ("duration_months", 1.5, "whole number"),
        ("service_category", "catering", "not one of the choices"),
        ("authority_class", "parish", "not one of the choices"),
        ("procurement_start", "2025-02-30", "not a real date"),
        ("procurement_start", "01/04/2026", "YYYY-MM-DD"),
        ("procurement_start", "2014-12-31", "between 2015-01-01 and 2100-12-31"),
        ("procurement_start", "2101-01-01", "between 2015-01-01 and 2100-12-31"),
        ("capable_providers", -1, "cannot be negative"),
        ("capable_small_or_local", 7, "cannot be more small or local"),
        ("incumbent_scenario", 8, "from 0 to 7"),
        ("needs_codesign", "perhaps", "true or false"),
        ("cross_authority", "everyone", "not one of the choices"),
        ("urgency", "yesterday", "not one of the choices"),
        ("risk", "extreme", "not one of the choices"),
        ("direct_award_justification", "we_like_them", "not a direct award justification"),
        ("wards", "E05099001", "list of codes"),
        ("service_types", [1, 2], "list of codes"),
    ],
)
def test_each_bad_value_is_named_with_a_plain_message(field, value, message):
    errors = errors_for(**{field: value})
    assert list(errors) == [field]
    assert message in " ".join(errors[field])


def test_unknown_keys_are_named():
    errors = errors_for(colour="green")
    assert list(errors) == ["colour"]
    assert "'colour' is not a field the advisor knows" in errors["colour"][0]


def test_all_problems_are_reported_together():
    errors = errors_for(estimated_value_gbp=-5, duration_months=0, purpose="x", extra=1)
    assert set(errors) == {"estimated_value_gbp", "duration_months", "purpose", "extra"}


def test_a_start_date_the_threshold_table_does_not_cover_is_refused():
    # central government goods and services thresholds are in the table from 1 January 2020
    errors = errors_for(service_category="goods_services", authority_class="central", procurement_start="2019-06-01")
    assert list(errors) == ["procurement_start"]
    assert "starts on 1 January 2020" in errors["procurement_start"][0]


def test_lenient_input_from_forms_is_accepted():
    facts = Facts.from_dict(
        {
            **GOOD,
            "estimated_value_gbp": "£1,250,000.50",
            "duration_months": "24",
            "capable_providers": 6.0,
            "needs_codesign": "yes",
            "innovation": None,
            "procurement_start": date(2026, 4, 1),
        }
    )
    assert facts.estimated_value_gbp == Decimal("1250000.50")
    assert facts.duration_months == 24
    assert facts.capable_providers == 6
    assert facts.needs_codesign is True and facts.innovation is False


def test_not_a_mapping():
    with pytest.raises(FactsInvalid) as failure:
        Facts.from_dict(["buy_service"])  # type: ignore[arg-type]
    assert list(failure.value.errors) == ["facts"]


def test_small_or_local_share():
    assert Facts.from_dict(GOOD).small_or_local_share == Decimal(4) / Decimal(6)
    assert Facts.from_dict({**GOOD, "capable_providers": 0, "capable_small_or_local": 0}).small_or_local_share is None


@pytest.mark.parametrize("empty", [None, ""])
def test_an_optional_fact_given_empty_takes_its_default(empty):
    facts = Facts.from_dict({**GOOD, "incumbent_scenario": empty, "wards": None, "service_types": None})
    assert facts.incumbent_scenario == 0
    assert facts.wards == () and facts.service_types == ()


@pytest.mark.parametrize("value", [True, False, 2.5, "3 years"])
def test_a_whole_number_fact_refuses_booleans_fractions_and_words(value):
    assert errors_for(duration_months=value) == {"duration_months": ["Enter a whole number."]}
