"""The cost of competing: worked by hand, overridable assumptions with every default documented."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from trellis.core.errors import ValidationFailed
from trellis.routes.domain import (
    DEFAULT_COST_ASSUMPTIONS,
    AssumptionsInvalid,
    CostAssumptionRow,
    CostAssumptions,
    Facts,
    Route,
    advise,
    competing_cost,
    cost_of_competing,
)
from trellis.routes.domain.costs import COSTS_CSV, KNOWN_KEYS, expected_bids

FACTS = {
    "purpose": "buy_service",
    "estimated_value_gbp": 1_000_000,
    "duration_months": 36,
    "service_category": "goods_services",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 8,
    "capable_small_or_local": 4,
}


def test_open_procedure_worked_by_hand():
    """8 capable providers, half small or local, £1m, default assumptions:

    bids      = 0.5 response × 8 = 4
    authority = (10 spec + 5 engagement + 2 × 4 evaluation + 3 moderation + 3 award) = 29 days × £300 = £8,700
    a small-or-local bid costs 0.5 × £1,500 (micro) + 0.5 × £3,000 (small) = £2,250
    another bid costs 0.6 × £6,000 (medium) + 0.4 × £12,000 (large) = £8,400
    market    = 1.0 effort × (2 × £2,250 + 2 × £8,400) = £21,300
    total     = £30,000 = 3% of £1,000,000
    """
    cost = cost_of_competing(Route.OPEN_PROCEDURE, Facts.from_dict(FACTS), DEFAULT_COST_ASSUMPTIONS)
    assert cost.expected_bids == 4
    assert cost.authority_days == Decimal(29)
    assert cost.authority_gbp == Decimal(8700)
    assert cost.market_gbp == Decimal(21300)
    assert cost.total_gbp == Decimal(30000)
    assert cost.share_of_value == Decimal("0.03")
    assert cost.per_pound_awarded == Decimal("0.03")
    assert cost.disproportionate is False
    assert cost.to_dict() == {
        "route": "open_procedure",
        "authority_gbp": 8700,
        "market_gbp": 21300,
        "total_gbp": 30000,
        "share_of_value": 0.03,
        "per_pound_awarded": 0.03,
        "expected_bids": 4,
        "disproportionate": False,
        "authority_days": 29.0,
        "small_or_local_bids": 2.0,
    }


def test_quotations_worked_by_hand_on_a_small_contract():
    """£20,000; 3 quotations invited; 2 of 5 providers small or local (share 0.4):

    authority = (2 + 0.5 + 0.5 × 3 + 0.5 + 0.5) = 5 days × £300 = £1,500
    market    = 0.15 × (1.2 × £2,250 + 1.8 × £8,400) = 0.15 × (£2,700 + £15,120) = £2,673
    total     = £4,173 = 20.865% of £20,000: above the 10% line, disproportionate
    """
    facts = Facts.from_dict(
        {**FACTS, "estimated_value_gbp": 20000, "capable_providers": 5, "capable_small_or_local": 2}
    )
    cost = cost_of_competing(Route.BELOW_THRESHOLD_QUOTATION, facts, DEFAULT_COST_ASSUMPTIONS)
    assert cost.expected_bids == 3
    assert cost.authority_gbp == Decimal(1500)
    assert cost.market_gbp == Decimal("2673.000")
    assert cost.total_gbp == Decimal(4173)
    assert cost.share_of_value == Decimal("0.20865")
    assert cost.disproportionate is True
    assert cost.to_dict()["share_of_value"] == 0.2087  # rounded for JSON


def test_in_house_has_no_cost_of_competing():
    cost = cost_of_competing(Route.IN_HOUSE, Facts.from_dict(FACTS), DEFAULT_COST_ASSUMPTIONS)
    assert (cost.expected_bids, cost.total_gbp, cost.disproportionate) == (0, 0, False)


@pytest.mark.parametrize(
    ("process", "capable", "bids"),
    [
        ("open", 0, 3),  # the market is unknown, not empty
        ("open", 1, 1),
        ("open", 3, 2),  # 1.5 rounds half up
        ("open", 8, 4),
        ("flexible", 10, 4),
        ("quotation", 2, 2),  # cannot ask more than the directory knows
        ("quotation", 9, 3),
        ("quotation", 0, 3),
        ("call_off", 0, 4),
        ("direct", 12, 1),
        ("negotiated", 12, 1),
        ("grant_single", 12, 1),
        ("participatory", 10, 8),
    ],
)
def test_expected_bids(process, capable, bids):
    assert expected_bids(process, capable, DEFAULT_COST_ASSUMPTIONS) == bids


def test_overrides_from_rows_change_the_arithmetic():
    custom = CostAssumptions.from_rows([("authority_day_rate_gbp", "400"), ("bid_cost_gbp.large", 20000)])
    cost = cost_of_competing(Route.OPEN_PROCEDURE, Facts.from_dict(FACTS), custom)
    assert cost.authority_gbp == Decimal(29 * 400)
    # another bid: 0.6 × 6,000 + 0.4 × 20,000 = 11,600
    assert cost.market_gbp == Decimal(2 * 2250 + 2 * 11600)
    assert custom["bid_cost_gbp.micro"] == DEFAULT_COST_ASSUMPTIONS["bid_cost_gbp.micro"]
    advice = advise(Facts.from_dict(FACTS), assumptions=custom)
    assert advice.cost("open_procedure").authority_gbp == Decimal(11600)


def test_overrides_accept_database_like_rows_and_mappings():
    class Row:
        def __init__(self, key, value):
            self.key, self.value = key, value

    by_object = CostAssumptions.from_rows([Row("disproportionate_share", Decimal("0.2"))])
    by_mapping = CostAssumptions.from_rows({"disproportionate_share": "0.2"})
    assert by_object["disproportionate_share"] == by_mapping["disproportionate_share"] == Decimal("0.2")


@pytest.mark.parametrize(
    ("rows", "key", "message"),
    [
        ([("tea_breaks", 3)], "tea_breaks", "not a cost assumption"),
        ([("authority_day_rate_gbp", -1)], "authority_day_rate_gbp", "cannot be negative"),
        ([("authority_day_rate_gbp", "lots")], "authority_day_rate_gbp", "not a number"),
        ([("response_rate.open", "1.5")], "response_rate.open", "from 0 to 1"),
        ([("fixed_bids.quotation", "2.5")], "fixed_bids.quotation", "whole number"),
        ([("mix.other.medium", "0.7")], "mix.other.medium", "add up to 1"),
    ],
)
def test_bad_overrides_name_the_key(rows, key, message):
    with pytest.raises(AssumptionsInvalid) as failure:
        CostAssumptions.from_rows(rows)
    assert isinstance(failure.value, ValueError) and isinstance(failure.value, ValidationFailed)
    assert key in failure.value.errors
    assert message in " ".join(failure.value.errors[key])


def test_every_default_is_a_documented_row():
    rows = CostAssumptions.rows()  # on the class: the defaults, for seeding a table
    assert rows == DEFAULT_COST_ASSUMPTIONS.rows()
    assert {r.key for r in rows} == set(KNOWN_KEYS)
    for row in rows:
        assert isinstance(row, CostAssumptionRow)
        assert isinstance(row.value, Decimal)
        assert row.unit and row.assumption and row.source
    with COSTS_CSV.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["key", "value", "unit", "assumption", "source"]


def test_instance_rows_carry_the_overridden_values():
    custom = CostAssumptions.from_rows([("authority_day_rate_gbp", 500)])
    row = next(r for r in custom.rows() if r.key == "authority_day_rate_gbp")
    assert row.value == 500 and row.assumption  # the text stays with the row


def test_competing_cost_grows_with_bids_by_hand():
    one = competing_cost(
        process="open",
        bids=1,
        small_share=Decimal(1),
        value_gbp=Decimal(100000),
        assumptions=DEFAULT_COST_ASSUMPTIONS,
        route=Route.OPEN_PROCEDURE,
    )
    two = competing_cost(
        process="open",
        bids=2,
        small_share=Decimal(1),
        value_gbp=Decimal(100000),
        assumptions=DEFAULT_COST_ASSUMPTIONS,
        route=Route.OPEN_PROCEDURE,
    )
    # one more small bid: 2 evaluation days (£600) plus £2,250 of bidders' time
    assert two.total_gbp - one.total_gbp == Decimal(2850)


def test_zero_value_has_no_share():
    facts = Facts.from_dict({**FACTS, "estimated_value_gbp": 0})
    cost = cost_of_competing(Route.OPEN_PROCEDURE, facts, DEFAULT_COST_ASSUMPTIONS)
    assert cost.share_of_value is None and cost.disproportionate is False


def test_each_two_way_mix_share_has_one_partner():
    from trellis.routes.domain.costs import mix_partner

    assert mix_partner("mix.small_or_local.micro") == "mix.small_or_local.small"
    assert mix_partner("mix.other.large") == "mix.other.medium"
    assert mix_partner("mix.other.micro") is None
    assert mix_partner("mix.nowhere.micro") is None
    assert mix_partner("bid_cost_gbp.micro") is None


def _table(tmp_path, rows: list[tuple[str, str]]):
    path = tmp_path / "costs.csv"
    with COSTS_CSV.open(newline="", encoding="utf-8") as handle:
        defaults = list(csv.DictReader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["key", "value", "unit", "assumption", "source"])
        writer.writeheader()
        for key, value in rows:
            writer.writerow({"key": key, "value": value, "unit": "", "assumption": "a", "source": "s"})
        for row in defaults[len(rows) :]:
            writer.writerow(row)
    return path, defaults


def test_a_table_value_that_is_not_a_number_is_named_by_its_key(tmp_path):
    path, _ = _table(tmp_path, [("authority_day_rate_gbp", "three hundred")])
    with pytest.raises(AssumptionsInvalid) as failure:
        CostAssumptions.read_csv(path)
    assert failure.value.errors == {"authority_day_rate_gbp": ["The value is not a number."]}


def test_a_table_with_an_unknown_key_in_place_of_a_known_one_names_both(tmp_path):
    path, defaults = _table(tmp_path, [("tea_and_biscuits_gbp", "12")])
    with pytest.raises(AssumptionsInvalid) as failure:
        CostAssumptions.read_csv(path)
    assert failure.value.errors == {
        "tea_and_biscuits_gbp": ["'tea_and_biscuits_gbp' is not a cost assumption Trellis uses."],
        defaults[0]["key"]: ["This assumption is missing."],
    }


def test_rows_may_be_mappings_with_a_key_and_a_value():
    assumptions = CostAssumptions.from_rows([{"key": "authority_day_rate_gbp", "value": "350"}])
    assert assumptions.values["authority_day_rate_gbp"] == Decimal("350")
