"""`trellis evaluate price|run`: JSON and tables; bad input is a CommandError naming the field, with nothing on
stdout."""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from trellis.cli import main
from trellis.core.tests.command_helpers import run_command, run_command_failing, write_input
from trellis.evaluation.tests.test_domain_engine import DATA, worked_example


def run(*args):
    return run_command("evaluate", *args)


def run_failing(*args) -> str:
    return run_command_failing("evaluate", *args)


@pytest.fixture
def write(tmp_path):
    def write(data, name="data.json"):
        return write_input(tmp_path, data, name)

    return write


def test_price_json_is_the_unrounded_scores(write):
    out, err = run(
        "price",
        "--method",
        "relative_to_lowest",
        "--max-points",
        40,
        "--bids",
        write({"a": 100, "b": 105, "c": 108}),
        "--json",
    )
    assert err == ""
    scores = json.loads(out)
    assert list(scores) == ["scores"]
    # impactbids, weight 40: £100 → 40, £105 → 38, £108 → 37
    assert {k: round(v) for k, v in scores["scores"].items()} == {"a": 40, "b": 38, "c": 37}
    assert scores["scores"]["b"] == pytest.approx(4000 / 105, abs=1e-12)


def test_price_table_shows_the_formula_and_source(write):
    out, _ = run(
        "price", "--method", "proportional_penalty", "--max-points", 100, "--bids", write({"low": 80, "high": 100})
    )
    assert "score = max points × (1 − (bid price − lowest price) ÷ lowest price)" in out
    assert "uk-rules §3.2" in out
    assert "75.00" in out  # 25% above the lowest: 25% fewer points


def test_price_per_quality_point_reads_the_quality_scores(write):
    bids = write({"A": 100000, "B": 90000}, "bids.json")
    quality = write({"A": 50, "B": 30}, "quality.json")
    out, _ = run(
        "price",
        "--method",
        "price_per_quality_point",
        "--max-points",
        40,
        "--bids",
        bids,
        "--quality",
        quality,
        "--json",
    )
    # PQP: A 2,000, B 3,000 → A 40, B 40 × 2,000 ÷ 3,000
    assert json.loads(out)["scores"] == pytest.approx({"A": 40, "B": 80 / 3})
    message = run_failing("price", "--method", "price_per_quality_point", "--max-points", 40, "--bids", bids)
    assert message.startswith("--quality: price per quality point needs each bid's quality score")


def test_price_bad_prices_are_named(write):
    message = run_failing(
        "price",
        "--method",
        "relative_to_lowest",
        "--max-points",
        40,
        "--bids",
        write({"A": 0, "B": -3, "C": "x", "D": 5}),
        "--json",
    )
    assert message.splitlines() == [
        "The prices cannot be scored: 3 problems to put right.",
        "  bids.A: The price of A's bid must be more than £0.",
        "  bids.B: The price of B's bid must be more than £0.",
        "  bids.C: The price of C's bid must be an amount of pounds, such as 125000.",
    ]


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("--max-points", "lots"), "--max-points: 'lots' is not a number."),
        (("--max-points", "0"), "--max-points: the maximum points must be more than 0."),
    ],
)
def test_price_bad_max_points(write, args, start):
    message = run_failing("price", "--method", "relative_to_lowest", *args, "--bids", write({"A": 1}))
    assert message == start


def test_price_bids_must_be_an_object(write):
    message = run_failing("price", "--method", "relative_to_lowest", "--max-points", 1, "--bids", write([100, 200]))
    assert message.startswith("--bids: BIDS.json must be an object of bidders and prices")


def test_run_json_on_the_worked_example():
    out, err = run("run", "--input", DATA / "worked_example.json", "--json")
    assert err == ""
    result = json.loads(out)
    assert result["winner"] == "Beta"
    assert [(b["key"], b["rank"]) for b in result["bids"]] == [
        ("Beta", 1),
        ("Alpha", 2),
        ("Gamma", None),
        ("Delta", None),
    ]
    assert result["bids"][0]["total"] == pytest.approx(48 + 100 / 3)
    smallest = result["change_the_winner"]["smallest"]
    assert smallest["steps"] == 1 and smallest["new_winner"] == "Alpha"
    assert smallest["changes"] == [{"bid": "Beta", "criterion": "delivery", "from": 4.5, "to": 4.0, "steps": 1}]


def test_run_table_shows_ranks_flags_divergences_and_what_would_change_the_winner():
    out, _ = run("run", "--input", DATA / "worked_example.json")
    assert "     1  Beta" in out and "81.33" in out
    assert "excluded" in out and "Scored 1.5 on “Delivery plan”, below the minimum of 2." in out
    assert "The price of £100,000 is below the bid's own full cost of £110,000." in out
    assert "Beta, social_value: Ann 4, Bob 1 (spread 3, allowed 1.25); consensus 3" in out
    assert (
        "  A single moderated mark decides this award: changing Beta's mark for “Delivery plan” from 4.5 to 4 would "
        "make Alpha the winner." in out
    )
    assert "  To put Alpha first: 1 step" in out


def test_run_excludes_a_tender_disregarded_for_an_abnormally_low_price(write):
    # Alpha's £100,000 is below its own full cost of £110,000 and the authority, having asked Alpha to explain,
    # disregards it (s.19(4)–(5)): Alpha is excluded with the reason; Beta, now the only compared price, takes all
    # 40 price points: 48 + 40 = 88.
    data = worked_example()
    reason = "Its explanation relied on unpaid overtime that the specification does not allow."
    data["bids"]["Alpha"] = {**data["bids"]["Alpha"], "disregarded": reason}
    result = json.loads(run("run", "--input", write(data), "--json")[0])
    alpha = next(b for b in result["bids"] if b["key"] == "Alpha")
    assert alpha["rank"] is None and alpha["excluded"] and any(reason in r for r in alpha["reasons"])
    assert result["winner"] == "Beta" and result["bids"][0]["total"] == pytest.approx(88)
    out, _ = run("run", "--input", write(data, "table.json"))
    assert "The tender was disregarded because its price was abnormally low: " + reason in out
    data["bids"]["Alpha"]["disregarded"] = ""
    assert "bids.Alpha.disregarded" in run_failing("run", "--input", write(data, "bad.json"))


def test_run_bad_input_names_each_field(write):
    data = worked_example()
    data["criteria"][1]["weight"] = 50  # weights now total 110
    data["marks"]["Ann"]["Alpha"]["delivery"] = 9
    message = run_failing("run", "--input", write(data))
    assert (
        "  criteria: The weights of the scored criteria must add up to 100. They add up to 110." in message.splitlines()
    )

    data = worked_example()
    data["marks"]["Ann"]["Alpha"]["delivery"] = 9
    data["bids"]["Beta"]["price"] = 0
    lines = run_failing("run", "--input", write(data)).splitlines()
    assert lines[0] == "The evaluation cannot be worked out: 2 problems to put right."
    assert "  bids.Beta.price: The price of Beta's bid must be more than £0." in lines
    assert (
        "  marks.Ann.Alpha.delivery: The mark for “Delivery plan” must be a whole number from 0 to 5, not 9." in lines
    )


def test_run_invalid_json_gives_line_and_column(write):
    message = run_failing("run", "--input", write('{"criteria": [\n  {"key": }\n]}', "broken.json"))
    assert message == "--input: broken.json is not valid JSON (line 2, column 11: Expecting value)."


def test_run_missing_file_and_bad_options(tmp_path):
    assert (
        run_failing("run", "--input", tmp_path / "nope.json")
        == f"--input: there is no file at {tmp_path / 'nope.json'}."
    )
    with pytest.raises((SystemExit, CommandError)):  # the removed option is refused, nothing is printed
        run("run", "--input", DATA / "worked_example.json", "--perturbations", 100)


def test_the_console_script_exits_non_zero_with_the_message_on_stderr(write, capsys):
    path = write({"A": -1})
    with pytest.raises(SystemExit) as exit_:
        main(
            ["evaluate", "price", "--method", "relative_to_lowest", "--max-points", "40", "--bids", str(path), "--json"]
        )
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bids.A: The price of A's bid must be more than £0." in captured.err


def test_the_console_script_prints_json(capsys):
    main(["evaluate", "run", "--input", str(DATA / "worked_example.json"), "--json"])
    assert json.loads(capsys.readouterr().out)["winner"] == "Beta"


def test_help_shows_the_format(capsys):
    with pytest.raises(SystemExit):
        main(["evaluate", "run", "--help"])
    assert '"price_method": "relative_to_lowest"' in capsys.readouterr().out
