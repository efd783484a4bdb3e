"""trellis fcr --input COSTS.json [--json] — full cost recovery on the command line.

Works out each cost centre's full cost (direct costs plus a share of each overhead, shared out by its cost driver)
with the pure engine in ``trellis.bids.domain.fcr``; needs no database. Bad input is a clear message on stderr
naming each field, with a non-zero exit status and nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal

from django.core.management.base import BaseCommand, DjangoHelpFormatter

from trellis.bids.domain.fcr import FullCost, calculate, driver_label, gbp, percent, plain_number
from trellis.core.errors import ValidationFailed
from trellis.core.management_input import field_errors, read_json_file

INPUT_HELP = """\
Work out the full cost of each project or service: its direct costs plus a fair share of the overheads.
COSTS.json looks like this (every field is described in docs/full-cost-recovery.md):
  {"cost_centres": [{"name": "Youth club", "direct_costs": 3267, "drivers": {"headcount": 0.35},
                     "units": 40, "price": 3300}],
   "overheads": [{"name": "Premises and office costs", "amount": 1520, "driver": "headcount"}],
   "driver_totals": {"headcount": 5}}
Prints a table, or the whole result as JSON with --json (money in pounds, rounded to the penny)."""

#: The biggest file read: far more than any real budget needs.
MAX_BYTES = 5_000_000


def read_costs(filename: str) -> object:
    """The parsed JSON in a file (numbers as Decimal, so pounds and pence stay exact)."""
    return read_json_file(filename, option="--input", what="a budget", max_bytes=MAX_BYTES)


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the example's layout in ``--help``."""


class Command(BaseCommand):
    help = "Full cost recovery: each project's direct costs plus its share of the overheads (NPC/ACEVO method)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = INPUT_HELP
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, metavar="COSTS.json", help="the costs and overheads (JSON)")
        parser.add_argument("--json", action="store_true", help="print the whole result as JSON")

    def handle(self, *args, **options):
        data = read_costs(options["input"])
        try:
            result = calculate(data)
        except ValidationFailed as exc:
            raise field_errors(exc) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(table(result))


def table(result: FullCost) -> str:
    """The result as text for a terminal: one block per cost centre, then the totals and any warnings."""
    width = 44
    lines = ["Full cost recovery (average-cost method, ACEVO/NPC toolkit)", ""]

    def row(label: str, value: str) -> None:
        lines.append(f"  {label[:width]:<{width}} {value:>16}")

    for centre in result.cost_centres:
        lines.append(centre.name)
        row("Direct costs", gbp(centre.direct_costs))
        for share in centre.overhead_lines:
            row(f"{share.name} (by {driver_label(share.driver)})", gbp(share.amount))
        row("Overheads", gbp(centre.overheads_allocated))
        row("Full cost", gbp(centre.full_cost))
        row("Overhead rate (overheads ÷ direct costs)", percent(centre.overhead_rate))
        if centre.unit_cost is not None and centre.units is not None:
            row(f"Unit cost ({plain_number(centre.units)} units)", gbp(centre.unit_cost))
        if centre.price is not None:
            row("Price", gbp(centre.price))
            if centre.below_full_cost:
                row("Below full cost by", gbp(centre.shortfall or Decimal(0)))
        lines.append("")

    lines.append("All cost centres")
    row("Direct costs", gbp(result.direct_costs))
    row("Overheads shared out to them", gbp(result.overheads_allocated))
    row("Full cost", gbp(result.full_cost))
    row("Overhead rate", percent(result.overhead_rate))
    if result.left_to_other_activities:
        row("Overheads left to other activities", gbp(result.left_to_other_activities))
        row("Share of overheads left to them", percent(result.share_left_to_other_activities))
    if result.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  ! {warning}" for warning in result.warnings]
    return "\n".join(lines)
