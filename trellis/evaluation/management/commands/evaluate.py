"""trellis evaluate price|run — the evaluation engine on the command line.

  trellis evaluate price --method relative_to_lowest --max-points 40 --bids bids.json [--quality quality.json] --json
  trellis evaluate run --input evaluation.json [--json]

These need no database: they run the pure engine in ``trellis.evaluation.domain``. Bad input is a clear message on
stderr naming each field, with a non-zero exit status and nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from trellis.core.errors import ValidationFailed
from trellis.core.management_input import field_errors, read_json_file
from trellis.evaluation.domain import (
    EvaluationResult,
    PriceMethod,
    evaluate,
    parse_evaluation,
    result_as_json,
    score_prices,
)
from trellis.evaluation.domain.totals import gbp, number
from trellis.evaluation.domain.winner_margin import in_words

PRICE_HELP = """\
Score bids' prices out of --max-points. BIDS.json maps each bidder to its price in pounds:
  {"Alpha": 100000, "Beta": 105000, "Gamma": 108000}
Price per quality point also needs --quality QUALITY.json, each bidder's quality score: {"Alpha": 52.5, ...}.
Prints a table, or {"scores": {"Alpha": 40.0, ...}} with --json (unrounded).
Methods, formulas and sources: docs/evaluation-methods.md."""

RUN_HELP = """\
Evaluate bids against a published scheme: totals, ranks, flags, divergent marks and what it would take to
change the winner (the fewest changes of marks).
EVALUATION.json holds the criteria, settings, bids with prices, each evaluator's marks and any consensus marks:
  {"criteria": [{"key": "quality", "name": "Quality", "weight": 60, "scale": "0-5"},
                {"key": "price", "name": "Price", "weight": 40, "scale": "0-100", "is_price": true}],
   "price_method": "relative_to_lowest",
   "bids": {"Alpha": 100000, "Beta": {"price": 120000, "full_cost": 125000}},
   "marks": {"Evaluator 1": {"Alpha": {"quality": 3}, "Beta": {"quality": 4}}},
   "consensus": {}}
Every field is described in docs/evaluation-methods.md. Prints a table, or the whole result as JSON with --json."""

#: The biggest file read: far more than any real evaluation needs.
MAX_BYTES = 20_000_000


def read_json(filename: str, option: str, what: str) -> object:
    """The parsed JSON in a file (decimals as Decimal, so prices and weights stay exact)."""
    return read_json_file(filename, option=option, what=what, max_bytes=MAX_BYTES)


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' layout in ``--help``."""


class Command(BaseCommand):
    help = "The evaluation engine: score prices, or evaluate bids against a scheme (totals, ranks, flags)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser(
            "price",
            help="score prices by a price method",
            description=PRICE_HELP,
            formatter_class=_HelpFormatter,
        )
        p.add_argument("--method", required=True, choices=[m.value for m in PriceMethod], help="the price method")
        p.add_argument("--max-points", required=True, metavar="N", help="the points for the best price, e.g. 40")
        p.add_argument("--bids", required=True, metavar="BIDS.json", help="each bidder's price (JSON)")
        p.add_argument("--quality", metavar="QUALITY.json", help="each bidder's quality score (for price per point)")
        p.add_argument("--json", action="store_true", help="print the scores as JSON")

        r = sub.add_parser(
            "run",
            help="evaluate bids: totals, ranks, flags and what would change the winner",
            description=RUN_HELP,
            formatter_class=_HelpFormatter,
        )
        r.add_argument("--input", required=True, metavar="EVALUATION.json", help="the scheme, bids and marks (JSON)")
        r.add_argument("--json", action="store_true", help="print the whole result as JSON")

    def handle(self, *args, action: str, **options):
        if action == "price":
            self._price(**options)
        else:
            self._run(**options)

    # -- price -----------------------------------------------------------------------------------
    def _price(self, *, method: str, max_points: str, bids: str, quality: str | None, **options) -> None:
        try:
            points = Decimal(max_points.strip())
        except InvalidOperation:
            raise CommandError(f"--max-points: '{max_points}' is not a number.") from None
        if not points.is_finite() or points <= 0:
            raise CommandError("--max-points: the maximum points must be more than 0.")
        chosen = PriceMethod(method)
        if chosen.needs_quality and quality is None:
            raise CommandError(
                "--quality: price per quality point needs each bid's quality score: give --quality QUALITY.json."
            )
        prices = read_json(bids, "--bids", "a list of prices")
        if not isinstance(prices, dict):
            raise CommandError('--bids: BIDS.json must be an object of bidders and prices, like {"Alpha": 100000}.')
        scores_of = read_json(quality, "--quality", "a list of quality scores") if quality else None
        if scores_of is not None and not isinstance(scores_of, dict):
            raise CommandError('--quality: QUALITY.json must be an object of bidders and scores, like {"Alpha": 52}.')
        try:
            scores = score_prices(chosen, prices, points, quality=scores_of)
        except ValidationFailed as exc:
            raise field_errors(exc) from None
        if options["json"]:
            self.stdout.write(json.dumps({"scores": scores}, indent=2, ensure_ascii=False))
            return
        width = max(12, *(len(b) for b in scores))
        lines = [f"{chosen.label}: {chosen.formula}", f"Source: {chosen.source}", ""]
        lines.append(f"  {'Bidder':<{width}} {'Price':>16} {'Score':>10}")
        for bidder, value in sorted(scores.items(), key=lambda item: -item[1]):
            lines.append(f"  {bidder:<{width}} {gbp(Decimal(prices[bidder])):>16} {value:>10.2f}")
        lines.append(f"\nScores out of {number(float(points))}, rounded to 2 decimal places for display.")
        self.stdout.write("\n".join(lines))

    # -- run -------------------------------------------------------------------------------------
    def _run(self, *, input: str, **options) -> None:
        data = read_json(input, "--input", "an evaluation")
        try:
            result = evaluate(parse_evaluation(data))
        except ValidationFailed as exc:
            raise field_errors(exc) from None
        if options["json"]:
            self.stdout.write(json.dumps(result_as_json(result), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(table(result))


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def table(result: EvaluationResult) -> str:
    """The result for a terminal: the ranking, the flags, divergent marks and what would change the winner."""
    width = max(12, *(len(b.key) for b in result.bids))
    method = result.price_method.label.lower() if result.price_method else "no price criterion"
    lines = [
        f"Evaluation of {len(result.bids)} bids (price: {method}; tie-break: {result.tie_break.label.lower()})",
        "",
        f"  {'Rank':>4}  {'Bid':<{width}} {'Quality':>8} {'Price':>8} {'Total':>8}  Flags",
    ]
    for bid in result.bids:
        flags = []
        if bid.excluded:
            flags.append("excluded")
        elif bid.reasons:
            flags.append("failed a gate or minimum")
        if bid.abnormally_low:
            flags.append("price possibly abnormally low")
        rank = "—" if bid.rank is None else str(bid.rank)
        lines.append(
            f"  {rank:>4}  {bid.key:<{width}} {_points(bid.quality_points):>8} {_points(bid.price_points):>8} "
            f"{_points(bid.total):>8}  {', '.join(flags)}"
        )
        for reason in (*bid.reasons, *bid.abnormally_low_reasons):
            lines.append(f"  {'':>4}  {'':<{width}} ! {reason}")
    lines.append("\nPoints rounded to 2 decimal places for display; the totals are out of 100.")
    if result.divergences:
        lines += ["", "Marks that spread more than allowed (moderate these):"]
        for d in result.divergences:
            marks = ", ".join(f"{name} {number(mark)}" for name, mark in d.marks.items())
            agreed = f"; consensus {number(d.consensus)}" if d.consensus is not None else "; no consensus yet"
            lines.append(
                f"  {d.bid}, {d.criterion}: {marks} (spread {number(d.spread)}, allowed {number(d.allowed)}){agreed}"
            )
    analysis = result.change_the_winner
    lines += ["", "What would change the winner (for the authority's own assurance: not for bidders)"]
    lines.append(f"  {in_words(analysis)}")
    for rival in analysis.rivals:
        route = rival.route
        fewest = "no change of marks" if route is None else f"{route.steps} step{'s' if route.steps != 1 else ''}"
        lines.append(f"  To put {rival.rival} first: {fewest}")
    for note in result.notes:
        lines.append(f"\nNote: {note}")
    return "\n".join(lines)
