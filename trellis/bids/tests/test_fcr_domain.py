"""The full cost recovery engine: the worked numbers of the NPC-style template, each cost driver, rounding to the
penny, the output format, and every kind of bad input named by its field."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from trellis.bids.domain.fcr import (
    CostInput,
    allocate_pennies,
    calculate,
    gbp,
    parse_number,
    percent,
)
from trellis.core.errors import ValidationFailed

D = Decimal


def template_example(**changes) -> dict:
    """The filled-in NPC-style template (uk-rules.md §5, example 1).

    Direct salaries: youth worker 1 £2,070 + £207 employer's NI = £2,277 at 100%; youth worker 2 £1,800 + £180 =
    £1,980 at 50% = £990; total direct £3,267. Premises and office costs £1,520 (rent £50 + office costs £1,470)
    shared by staff numbers, 5 staff: This Project 0.35, Director 1.45, Support services 0.95.
    """
    direct = (D(2070) + D(207)) * 1 + (D(1800) + D(180)) * D("0.5")
    data = {
        "cost_centres": [
            {"name": "This Project", "direct_costs": str(direct), "drivers": {"headcount": "0.35"}},
            {"name": "Director", "direct_costs": 0, "drivers": {"headcount": "1.45"}},
            {"name": "Support services", "direct_costs": 0, "drivers": {"headcount": "0.95"}},
        ],
        "overheads": [{"name": "Premises and office costs", "amount": 1520, "driver": "headcount"}],
        "driver_totals": {"headcount": 5},
    }
    data.update(changes)
    return data


# The worked numbers -----------------------------------------------------------------------------------------------


def test_the_template_example_reproduces_the_published_shares():
    result = calculate(template_example())
    project, director, support = result.cost_centres
    assert project.direct_costs == D(3267)
    # £1,520 × share / 5 staff: the template shows £106, £441 and £289 (whole pounds).
    assert [c.overheads_allocated for c in result.cost_centres] == [D("106.40"), D("440.80"), D("288.80")]
    assert [c.overheads_allocated.quantize(D(1)) for c in result.cost_centres] == [D(106), D(441), D(289)]
    assert project.full_cost == D("3373.40")
    assert project.overhead_rate == D("106.40") / D(3267)
    assert director.overhead_rate is None and director.full_cost == D("440.80")
    assert support.full_cost == D("288.80")
    # 2.75 of the 5 staff are in the calculation; the rest of the £1,520 is left to the others.
    assert result.overheads_allocated == D(836)
    assert result.left_to_other_activities == D(684)
    assert result.share_left_to_other_activities == D("0.45")
    line = result.overheads[0]
    assert (line.driver_total, line.centres_driver_total) == (D(5), D("2.75"))
    assert result.full_cost == D(3267) + D(836)


def test_the_template_premises_split_into_rent_and_office_costs_gives_the_same_shares():
    split = template_example(
        overheads=[
            {"name": "Rent", "amount": 50, "driver": "headcount"},
            {"name": "Office costs", "amount": 1470, "driver": "headcount"},
        ]
    )
    result = calculate(split)
    project = result.cost_centres[0]
    assert [(s.name, s.amount) for s in project.overhead_lines] == [("Rent", D("3.50")), ("Office costs", D("102.90"))]
    assert [c.overheads_allocated for c in result.cost_centres] == [D("106.40"), D("440.80"), D("288.80")]


def test_riverside_elders_staff_time_shares():
    """Riverside Elders (uk-rules.md §5, example 2): manager £30,000 and outreach worker £25,000, 35 hours a week
    each; the manager spends half the time running the charity (£15,000 of overhead), so 75% of staff time is on
    projects. A advocacy has half the manager; B repairs 70% and C healthy lifestyles 30% of the outreach worker.
    The source gives no further allocation; the shares below follow from its figures by the average-cost method."""
    data = {
        "cost_centres": [
            {"name": "A advocacy", "direct_costs": 30000 * D("0.5"), "drivers": {"staff_time": "0.5"}},
            {"name": "B repairs", "direct_costs": 25000 * D("0.7"), "drivers": {"staff_time": "0.7"}},
            {"name": "C healthy lifestyles", "direct_costs": 25000 * D("0.3"), "drivers": {"staff_time": "0.3"}},
        ],
        "overheads": [
            {"name": "Manager running the charity", "amount": 30000 * D("0.5"), "driver": "staff_time"},
            {"name": "Examination and AGM", "amount": 1000, "driver": "direct_expenditure"},
        ],
    }
    costs = CostInput.from_dict(data)
    project_time = costs.centres_total("staff_time")
    assert project_time / D(2) == D("0.75")  # 2 full-time staff; 75% of their time on projects
    result = calculate(costs)
    a, b, c = result.cost_centres
    assert [x.direct_costs for x in (a, b, c)] == [D(15000), D(17500), D(7500)]
    assert [x.overhead_lines[0].amount for x in (a, b, c)] == [D(5000), D(7000), D(3000)]
    assert [x.overhead_lines[1].amount for x in (a, b, c)] == [D(375), D("437.50"), D("187.50")]
    assert result.overheads_allocated == D(16000)
    assert result.left_to_other_activities == 0
    assert a.full_cost == D(20375)
    assert a.overhead_rate == D(5375) / D(15000)


# Each driver --------------------------------------------------------------------------------------------------------

DRIVER_CASES = [
    # driver, each centre's drivers, each centre's direct costs, expected shares of £1,000
    ("headcount", [{"headcount": 1}, {"headcount": 3}], [100, 100], ["250.00", "750.00"]),
    ("staff_time", [{"staff_time": "0.5"}, {"staff_time": "1.5"}, {"staff_time": 2}], [1, 1, 1], ["125", "375", "500"]),
    ("floor_area", [{"floor_area": 30}, {"floor_area": 10}], [0, 0], ["750", "250"]),
    # direct expenditure uses each centre's direct costs unless it gives its own value
    ("direct_expenditure", [{}, {}], [6000, 2000], ["750", "250"]),
    ("direct_expenditure", [{"direct_expenditure": 1}, {}], [6000, 3], ["250", "750"]),
    ("direct_costs", [{}, {}, {}], [1, 1, 2], ["250", "250", "500"]),
    # any driver a cost centre names, such as sessions run; a centre without it has none
    ("sessions", [{"sessions": 40}, {"sessions": 10}, {}], [0, 0, 0], ["800", "200", "0"]),
]


@pytest.mark.parametrize(("driver", "drivers", "directs", "expected"), DRIVER_CASES)
def test_each_driver_shares_an_overhead_in_proportion(driver, drivers, directs, expected):
    data = {
        "cost_centres": [
            {"name": f"Project {i}", "direct_costs": direct, "drivers": values}
            for i, (values, direct) in enumerate(zip(drivers, directs, strict=True))
        ],
        "overheads": [{"name": "Overhead", "amount": 1000, "driver": driver}],
    }
    result = calculate(data)
    assert [c.overheads_allocated for c in result.cost_centres] == [D(x) for x in expected]
    assert sum(c.overheads_allocated for c in result.cost_centres) == D(1000)
    for centre, direct in zip(result.cost_centres, directs, strict=True):
        assert centre.full_cost == D(direct) + centre.overheads_allocated


def test_overheads_by_different_drivers_add_up_per_centre():
    data = {
        "cost_centres": [
            {
                "name": "Lunch club",
                "direct_costs": 9000,
                "drivers": {"headcount": 1, "floor_area": 60, "staff_time": 1},
            },
            {"name": "Advice", "direct_costs": 3000, "drivers": {"headcount": 3, "floor_area": 20, "staff_time": 1}},
        ],
        "overheads": [
            {"name": "Premises", "amount": 8000, "driver": "floor_area"},
            {"name": "Office", "amount": 2000, "driver": "headcount"},
            {"name": "Finance and HR", "amount": 4000, "driver": "staff_time"},
            {"name": "Governance", "amount": 1200, "driver": "direct_expenditure"},
        ],
    }
    lunch, advice = calculate(data).cost_centres
    assert [s.amount for s in lunch.overhead_lines] == [D(6000), D(500), D(2000), D(900)]
    assert [s.amount for s in advice.overhead_lines] == [D(2000), D(1500), D(2000), D(300)]
    assert lunch.overheads_allocated == D(9400) and lunch.full_cost == D(18400)
    assert advice.full_cost == D(8800)
    assert lunch.overhead_rate == D(9400) / D(9000)


# Pennies -------------------------------------------------------------------------------------------------------------


def test_remainder_pennies_go_to_the_largest_fractions_then_to_the_earlier_centre():
    assert allocate_pennies(D(100), [D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]
    assert allocate_pennies(D("0.02"), [D(1), D(1), D(1)]) == [D("0.01"), D("0.01"), D(0)]
    # 10p by 1:2:3 = 1.67p, 3.33p, 5p: the one spare penny goes to the largest fraction (the first, .67)
    assert allocate_pennies(D("0.10"), [D(1), D(2), D(3)]) == [D("0.02"), D("0.03"), D("0.05")]
    assert allocate_pennies(D(0), [D(1), D(0)]) == [D(0), D(0)]
    with pytest.raises(ValueError, match="more than 0"):
        allocate_pennies(D(1), [D(0), D(0)])


def test_shares_of_a_line_always_add_up_to_it():
    data = {
        "cost_centres": [
            {"name": n, "direct_costs": 1, "drivers": {"staff_time": "0.333333"}} for n in ("A", "B", "C", "D")
        ],
        "overheads": [{"name": "Finance", "amount": "1000.01", "driver": "staff_time"}],
        "driver_totals": {"staff_time": 7},
    }
    result = calculate(data)
    line = result.overheads[0]
    assert line.allocated + line.left_to_other_activities == D("1000.01")
    assert sum(c.overheads_allocated for c in result.cost_centres) == line.allocated


# Units, price and warnings --------------------------------------------------------------------------------------


def test_unit_cost_and_a_price_below_full_cost():
    data = template_example()
    data["cost_centres"][0] |= {"units": 40, "price": "3,000"}
    data["cost_centres"][1] |= {"price": 500}
    result = calculate(data)
    project, director, support = result.cost_centres
    assert project.unit_cost == D("3373.40") / 40
    assert project.below_full_cost is True and project.shortfall == D("373.40")
    assert director.below_full_cost is False and director.shortfall == 0
    assert support.below_full_cost is None and support.shortfall is None
    assert result.any_below_full_cost
    assert result.warnings == (
        "This Project: the price of £3,000.00 is £373.40 below the full cost of £3,373.40. "
        "The difference would have to come from somewhere else.",
    )


def test_a_price_equal_to_the_full_cost_is_not_below_it():
    data = template_example()
    data["cost_centres"][0]["price"] = "3373.40"
    result = calculate(data)
    assert result.cost_centres[0].below_full_cost is False
    assert result.warnings == () and not result.any_below_full_cost


def test_no_overheads_means_full_cost_is_direct_cost():
    result = calculate({"cost_centres": [{"name": "Walks", "direct_costs": "250.50"}]})
    (walks,) = result.cost_centres
    assert walks.full_cost == D("250.50") and walks.overhead_rate == 0 and walks.overhead_lines == ()
    assert result.overheads == () and result.share_left_to_other_activities is None


# JSON ---------------------------------------------------------------------------------------------------------------


def test_json_output_has_every_documented_key_with_money_to_the_penny():
    data = template_example()
    data["cost_centres"][0] |= {"units": 3, "price": 3000}
    out = json.loads(json.dumps(calculate(data).to_dict()))
    project = out["cost_centres"][0]
    assert project == {
        "name": "This Project",
        "direct_costs": 3267.0,
        "overheads_allocated": {
            "total": 106.4,
            "lines": [{"name": "Premises and office costs", "driver": "headcount", "amount": 106.4}],
        },
        "full_cost": 3373.4,
        "overhead_rate": 0.0326,
        "units": 3,
        "unit_cost": 1124.47,  # £3,373.40 ÷ 3 = £1,124.4666…
        "price": 3000.0,
        "below_full_cost": True,
        "shortfall": 373.4,
    }
    assert out["totals"] == {
        "direct_costs": 3267.0,
        "overheads": 1520.0,
        "overheads_allocated": 836.0,
        "left_to_other_activities": 684.0,
        "share_left_to_other_activities": 0.45,
        "full_cost": 4103.0,
        "overhead_rate": 0.2559,
    }
    assert out["overheads"] == [
        {
            "name": "Premises and office costs",
            "driver": "headcount",
            "amount": 1520.0,
            "driver_total": 5,
            "cost_centres_driver_total": 2.75,
            "allocated": 836.0,
            "left_to_other_activities": 684.0,
        }
    ]
    assert out["cost_centres"][1]["overhead_rate"] is None
    assert "ACEVO" in out["method"] and out["sources"]
    assert len(out["warnings"]) == 1


def test_input_round_trips_through_json():
    data = template_example()
    data["cost_centres"][0] |= {"units": "12.5", "price": "3000.10"}
    costs = CostInput.from_dict(data)
    again = CostInput.from_dict(json.loads(json.dumps(costs.to_dict())))
    assert again == costs
    assert costs.to_dict()["cost_centres"][0] == {
        "name": "This Project",
        "direct_costs": 3267.0,
        "drivers": {"headcount": 0.35},
        "units": 12.5,
        "price": 3000.1,
    }


def test_numbers_are_read_as_people_write_them():
    assert parse_number("£1,520.50") == D("1520.50")
    assert parse_number(" 1 520 ") == D(1520)
    assert parse_number(0.1) == D("0.1")
    assert parse_number(7) == D(7)
    assert parse_number(D("2.5")) == D("2.5")
    assert parse_number("-£3") == D(-3)
    for bad in ("", "abc", "1e5", "NaN", "Infinity", True, None, [1], {"a": 1}, float("nan"), float("inf"), "9" * 41):
        assert parse_number(bad) is None, bad
    assert parse_number(D("NaN")) is None


def test_text_formats():
    assert gbp(D("1234.5")) == "£1,234.50"
    assert gbp(D("0.005")) == "£0.01"
    assert percent(D("0.03257")) == "3.3%"
    assert percent(None) == "—"


# Bad input ------------------------------------------------------------------------------------------------------


def minimal() -> dict:
    return {
        "cost_centres": [
            {"name": "Youth club", "direct_costs": 1000, "drivers": {"headcount": 2}},
            {"name": "Advice", "direct_costs": 500, "drivers": {"headcount": 1}},
        ],
        "overheads": [{"name": "Rent", "amount": 300, "driver": "headcount"}],
    }


def _set(data: dict, path: str, value) -> None:
    """Set (or, with value ``...``, remove) the item at a dotted path such as cost_centres.0.name."""
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value


BAD_INPUT = [
    # (what is changed, new value, the field named, words in the message)
    ("cost_centres.0.direct_costs", -1, "cost_centres[0].direct_costs", "cannot be negative"),
    ("cost_centres.0.direct_costs", "lots", "cost_centres[0].direct_costs", "amount of money"),
    ("cost_centres.0.direct_costs", ..., "cost_centres[0].direct_costs", "must be given"),
    ("cost_centres.0.direct_costs", None, "cost_centres[0].direct_costs", "must be given"),
    ("cost_centres.0.direct_costs", "10.005", "cost_centres[0].direct_costs", "2 decimal places"),
    ("cost_centres.0.direct_costs", 10**11, "cost_centres[0].direct_costs", "less than"),
    ("cost_centres.0.direct_costs", True, "cost_centres[0].direct_costs", "amount of money"),
    ("cost_centres.0.direct_costs", [1], "cost_centres[0].direct_costs", "amount of money"),
    ("cost_centres.0.name", "", "cost_centres[0].name", "name"),
    ("cost_centres.0.name", ..., "cost_centres[0].name", "name"),
    ("cost_centres.0.name", 12, "cost_centres[0].name", "must be text"),
    ("cost_centres.0.name", "x" * 201, "cost_centres[0].name", "200 characters"),
    ("cost_centres.1.name", "youth  CLUB", "cost_centres[1].name", "Give each a different name"),
    ("cost_centres.0.drivers.headcount", -2, "cost_centres[0].drivers.headcount", "cannot be negative"),
    ("cost_centres.0.drivers.headcount", "two", "cost_centres[0].drivers.headcount", "must be a number"),
    ("cost_centres.0.drivers.headcount", None, "cost_centres[0].drivers.headcount", "must be given"),
    ("cost_centres.0.drivers.headcount", "0.0000001", "cost_centres[0].drivers.headcount", "6 decimal places"),
    ("cost_centres.0.drivers.headcount", 10**11, "cost_centres[0].drivers.headcount", "less than"),
    ("cost_centres.0.drivers", [2], "cost_centres[0].drivers", "must be an object"),
    ("cost_centres.0.drivers", {"": 1}, "cost_centres[0].drivers", "needs a name"),
    ("cost_centres.0.units", 0, "cost_centres[0].units", "more than 0"),
    ("cost_centres.0.units", "many", "cost_centres[0].units", "must be a number"),
    ("cost_centres.0.price", -5, "cost_centres[0].price", "cannot be negative"),
    ("cost_centres.0.price", "cheap", "cost_centres[0].price", "amount of money"),
    ("cost_centres.0.colour", "red", "cost_centres[0].colour", "Unknown field"),
    ("cost_centres.0", "Youth club", "cost_centres[0]", "must be an object"),
    ("cost_centres", [], "cost_centres", "at least one"),
    ("cost_centres", ..., "cost_centres", "at least one"),
    ("cost_centres", {"name": "x"}, "cost_centres", "must be a list"),
    ("cost_centres", [{"name": f"P{i}", "direct_costs": 1} for i in range(501)], "cost_centres", "at most 500"),
    ("overheads.0.amount", -300, "overheads[0].amount", "cannot be negative"),
    ("overheads.0.amount", "a lot", "overheads[0].amount", "amount of money"),
    ("overheads.0.amount", ..., "overheads[0].amount", "must be given"),
    ("overheads.0.driver", ..., "overheads[0].driver", "Choose how"),
    ("overheads.0.driver", "", "overheads[0].driver", "Choose how"),
    ("overheads.0.driver", 3, "overheads[0].driver", "must be a name"),
    ("overheads.0.driver", "parking_spaces", "overheads[0].driver", "No cost centre gives a value"),
    ("overheads.0.driver", "floor_area", "overheads[0].driver", "The total floor area (m²) is 0"),
    ("overheads.0.name", ..., "overheads[0].name", "Give the overhead a name"),
    ("overheads.0.when", "monthly", "overheads[0].when", "Unknown field"),
    ("overheads.0", 300, "overheads[0]", "must be an object"),
    ("overheads", {"Rent": 300}, "overheads", "must be a list"),
    ("driver_totals", [5], "driver_totals", "must be an object"),
    ("driver_totals", {"headcount": 2}, "driver_totals.headcount", "cannot be less than"),
    ("driver_totals", {"headcount": "x"}, "driver_totals.headcount", "must be a number"),
    ("driver_totals", {"headcount": -1}, "driver_totals.headcount", "cannot be negative"),
    ("currency", "GBP", "currency", "Unknown field"),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "words"), BAD_INPUT, ids=[f"{c[0]}={c[1]!r}"[:60] for c in BAD_INPUT]
)
def test_bad_input_names_its_field(path, value, field, words):
    data = minimal()
    _set(data, path, value)
    with pytest.raises(ValidationFailed) as failure:
        calculate(data)
    errors = failure.value.errors
    assert field in errors, errors
    assert any(words in message for message in errors[field]), errors[field]


def test_a_driver_total_of_zero_for_a_driver_overheads_use():
    data = minimal()
    for centre in data["cost_centres"]:
        centre["drivers"] = {"headcount": 0}
    with pytest.raises(ValidationFailed) as failure:
        calculate(data)
    assert failure.value.errors == {
        "overheads[0].driver": [
            "The total headcount is 0, so “Rent” cannot be shared out by it. "
            "Give the headcount of each project or service, or choose another driver."
        ]
    }
    # an overall total of 0 given in driver_totals is named there, once
    data["driver_totals"] = {"headcount": 0}
    with pytest.raises(ValidationFailed) as failure:
        calculate(data)
    assert list(failure.value.errors) == ["driver_totals.headcount"]
    assert len(failure.value.errors["driver_totals.headcount"]) == 1


def test_direct_expenditure_with_no_direct_costs_cannot_share_anything():
    data = {
        "cost_centres": [{"name": "A", "direct_costs": 0}],
        "overheads": [{"name": "Governance", "amount": 10, "driver": "direct_expenditure"}],
    }
    with pytest.raises(ValidationFailed) as failure:
        calculate(data)
    assert "overheads[0].driver" in failure.value.errors


def test_a_driver_only_in_the_totals_leaves_the_whole_overhead_to_other_activities():
    data = minimal()
    data["overheads"][0]["driver"] = "vehicles"
    data["driver_totals"] = {"vehicles": 3}
    result = calculate(data)
    assert result.overheads_allocated == 0 and result.left_to_other_activities == D(300)


def test_every_problem_is_reported_at_once():
    data = minimal()
    data["cost_centres"][0]["direct_costs"] = -1
    data["cost_centres"][1]["name"] = ""
    data["overheads"][0]["amount"] = "x"
    data["extra"] = 1
    with pytest.raises(ValidationFailed) as failure:
        calculate(data)
    assert set(failure.value.errors) == {
        "cost_centres[0].direct_costs",
        "cost_centres[1].name",
        "overheads[0].amount",
        "extra",
    }
    assert failure.value.message == "The costs cannot be worked out: 4 problems to put right."


@pytest.mark.parametrize("data", [None, [], "costs", 3, [{"name": "x"}]])
def test_input_that_is_not_an_object(data):
    with pytest.raises(ValidationFailed) as failure:
        calculate(data)
    assert list(failure.value.errors) == ["input"]


def test_bad_input_leaves_the_callers_data_unchanged():
    data = minimal()
    data["cost_centres"][0]["direct_costs"] = -1
    before = copy.deepcopy(data)
    with pytest.raises(ValidationFailed):
        calculate(data)
    assert data == before
