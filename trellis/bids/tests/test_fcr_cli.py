"""`trellis fcr --input COSTS.json [--json]`: JSON and a table; bad input is a CommandError naming the field, with
nothing on stdout."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trellis.bids.tests.test_fcr_domain import template_example
from trellis.cli import main
from trellis.core.tests.command_helpers import run_command, run_command_failing, write_input


def run(*args):
    return run_command("fcr", *args)


def run_failing(*args) -> str:
    return run_command_failing("fcr", *args)


@pytest.fixture
def costs_file(tmp_path):
    def write(data, name="costs.json"):
        return write_input(tmp_path, data, name)

    return write


def test_json_output(costs_file):
    data = template_example()
    data["cost_centres"][0] |= {"units": 40, "price": 3000}
    out, err = run("--input", costs_file(data), "--json")
    assert err == ""
    result = json.loads(out)
    project = result["cost_centres"][0]
    assert project["direct_costs"] == 3267
    assert project["overheads_allocated"]["total"] == 106.4
    assert project["full_cost"] == 3373.4
    assert project["overhead_rate"] == 0.0326
    assert project["unit_cost"] == 84.34  # £3,373.40 ÷ 40 = £84.335, rounded half up
    assert project["below_full_cost"] is True and project["shortfall"] == 373.4
    assert [c["overheads_allocated"]["total"] for c in result["cost_centres"]] == [106.4, 440.8, 288.8]
    assert result["totals"]["left_to_other_activities"] == 684
    assert result["warnings"] == [
        "This Project: the price of £3,000.00 is £373.40 below the full cost of £3,373.40. "
        "The difference would have to come from somewhere else."
    ]


def test_decimal_amounts_in_the_file_stay_exact(costs_file):
    data = (
        '{"cost_centres": [{"name": "A", "direct_costs": 0.1, "drivers": {"headcount": 1}}, '
        '{"name": "B", "direct_costs": 0.2, "drivers": {"headcount": 2}}], '
        '"overheads": [{"name": "Rent", "amount": 0.03, "driver": "headcount"}]}'
    )
    out, _ = run("--input", costs_file(data), "--json")
    result = json.loads(out)
    assert [c["full_cost"] for c in result["cost_centres"]] == [0.11, 0.22]
    assert result["totals"]["full_cost"] == 0.33


def test_text_table(costs_file):
    data = template_example()
    data["cost_centres"][0] |= {"units": 40, "price": 3000}
    out, err = run("--input", costs_file(data))
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "Full cost recovery (average-cost method, ACEVO/NPC toolkit)"
    assert "This Project" in lines
    text = "\n".join(lines)
    for expected in (
        "Direct costs",
        "£3,267.00",
        "Premises and office costs (by headcount)",
        "£106.40",
        "Full cost",
        "£3,373.40",
        "3.3%",
        "Unit cost (40 units)",
        "£84.34",
        "Below full cost by",
        "£373.40",
        "Overheads left to other activities",
        "£684.00",
        "45.0%",
        "Warnings:",
    ):
        assert expected in text, expected
    row = next(line for line in lines if line.startswith("  Full cost "))
    assert row.rstrip().endswith("£3,373.40")


def test_bad_input_names_every_field(costs_file):
    data = template_example()
    data["cost_centres"][0]["direct_costs"] = -5
    data["overheads"][0]["driver"] = None
    data["colour"] = "blue"
    message = run_failing("--input", costs_file(data))
    assert message.startswith("The costs cannot be worked out: 3 problems to put right.")
    assert "  cost_centres[0].direct_costs: Direct costs cannot be negative." in message
    assert "  overheads[0].driver: Choose how this overhead is shared out" in message
    assert "  colour: Unknown field “colour”." in message


def test_zero_driver_total_and_short_driver_totals(costs_file):
    data = template_example(driver_totals={"headcount": 2})
    message = run_failing("--input", costs_file(data), "--json")
    assert "driver_totals.headcount: The whole organisation's headcount (2) cannot be less than" in message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "is not valid JSON (line 1, column 2"),
        ("[]", "input: The input must be a JSON object"),
        ('{"cost_centres": []}', "cost_centres: Give at least one cost centre"),
        ("[" * 100_000 + "]" * 100_000, "--input:"),
    ],
)
def test_unreadable_files(costs_file, content, words):
    assert words in run_failing("--input", costs_file(content))


def test_missing_and_binary_files(tmp_path):
    assert "--input: there is no file at" in run_failing("--input", tmp_path / "nope.json")
    binary = tmp_path / "costs.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert "cannot be read as UTF-8 text" in run_failing("--input", binary)


def test_the_input_option_is_required():
    with pytest.raises(CommandError, match="--input"):
        call_command("fcr", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_console_script_exits_non_zero_with_the_message_on_stderr(costs_file, capsys):
    path = costs_file({"cost_centres": [{"name": "A", "direct_costs": "x"}]})
    with pytest.raises(SystemExit) as exit_:
        main(["fcr", "--input", str(path)])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cost_centres[0].direct_costs: Direct costs must be an amount of money" in captured.err


def test_the_console_script_prints_json(costs_file, capsys):
    main(["fcr", "--input", str(costs_file(template_example())), "--json"])
    assert json.loads(capsys.readouterr().out)["totals"]["full_cost"] == 4103


def test_help_shows_the_example(capsys):
    with pytest.raises(SystemExit):
        main(["fcr", "--help"])
    out = capsys.readouterr().out
    assert '"overheads": [{"name": "Premises and office costs", "amount": 1520, "driver": "headcount"}],' in out
