"""trellis route advise|threshold|standstill — the commissioning-route advisor on the command line.

  trellis route advise --facts need.json [--json]
  trellis route threshold --type light_touch --authority sub_central --value 250000 --start 2026-04-01 --json
  trellis route standstill --published 2024-12-24 --json

These need no database: they run the pure engine in ``trellis.routes.domain``. Bad input is a clear message on
stderr naming the field, with a non-zero exit status and nothing on stdout.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trellis.routes.domain import (
    Advice,
    Facts,
    FactsInvalid,
    ThresholdUnknown,
    advise,
    regime_standstill,
    threshold_check,
)
from trellis.routes.domain.money import gbp
from trellis.routes.domain.thresholds import AUTHORITY_CLASSES, CATEGORIES, long_date

ADVISE_HELP = """\
Advise on how to fund or buy a need. FACTS.json holds the facts, for example:
  {"purpose": "buy_service", "estimated_value_gbp": 250000, "duration_months": 36,
   "service_category": "light_touch", "authority_class": "sub_central",
   "procurement_start": "2026-04-01", "capable_providers": 6, "capable_small_or_local": 4}
Every field is described in docs/routes.md. Prints a summary, or the whole advice as JSON with --json."""


def _parse_date(value: str, option: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"{option}: '{value}' is not a real date in the form YYYY-MM-DD.") from None
    if not 1900 <= day.year <= 2200:
        raise CommandError(f"{option}: give a date between 1900 and 2200.")
    return day


#: The regimes that set a standstill, and the notice that starts it in each.
STANDSTILL_NOTICES = {
    "PA2023": "A contract award notice published",
    "PCR2015": "Award decision notices sent",
    "PSR": "A notice of intention to award published",
}
STANDSTILL_REGIMES = tuple(STANDSTILL_NOTICES)


class Command(BaseCommand):
    help = "The commissioning-route advisor: advise on a need, check a threshold, or work out a standstill period."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser(
            "advise", help="advise on the routes for a need described in a JSON file", description=ADVISE_HELP
        )
        p.add_argument("--facts", required=True, metavar="FACTS.json", help="the facts about the need (JSON)")
        p.add_argument("--json", action="store_true", help="print the whole advice as JSON")

        t = sub.add_parser("threshold", help="is a contract above the procurement threshold, and which notices apply?")
        t.add_argument("--type", required=True, choices=CATEGORIES, help="the kind of contract")
        t.add_argument("--authority", required=True, choices=AUTHORITY_CLASSES, help="the kind of authority")
        t.add_argument("--value", required=True, metavar="GBP", help="estimated whole-life value including VAT")
        t.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="the day the procurement starts")
        t.add_argument("--will-advertise", action="store_true", help="the contract will be advertised")
        t.add_argument("--json", action="store_true", help="print JSON")

        s = sub.add_parser("standstill", help="the last day of the standstill a regime requires")
        s.add_argument("--published", required=True, metavar="YYYY-MM-DD", help="the day the award notice is published")
        s.add_argument(
            "--regime",
            choices=STANDSTILL_REGIMES,
            default="PA2023",
            help="the law the award is made under (default: the Procurement Act 2023)",
        )
        s.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action: str, **options):
        if action == "advise":
            self._advise(options["facts"], as_json=options["json"])
        elif action == "threshold":
            self._threshold(**options)
        else:
            self._standstill(options["published"], options["regime"], as_json=options["json"])

    # -- advise -----------------------------------------------------------------------------------
    def _advise(self, facts_path: str, *, as_json: bool) -> None:
        path = Path(facts_path)
        if not path.is_file():
            raise CommandError(f"--facts: there is no file at {facts_path}.")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                f"--facts: {facts_path} cannot be read as UTF-8 text ({exc.__class__.__name__})."
            ) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"--facts: {path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
            ) from None
        try:
            facts = Facts.from_dict(data)
        except FactsInvalid as exc:
            lines = "\n".join(f"  {name}: {' '.join(msgs)}" for name, msgs in exc.errors.items())
            raise CommandError(f"The facts in {path.name} are not valid:\n{lines}") from None
        advice = advise(facts)
        if as_json:
            self.stdout.write(json.dumps(advice.to_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(summary(advice))

    # -- threshold --------------------------------------------------------------------------------
    def _threshold(self, *, type: str, authority: str, value: str, start: str, will_advertise: bool, **options) -> None:
        try:
            amount = Decimal(value.replace(",", "").replace("£", "").strip())
        except InvalidOperation:
            raise CommandError(f"--value: '{value}' is not a number of pounds.") from None
        if not amount.is_finite() or amount < 0:
            raise CommandError("--value: the value cannot be negative.")
        day = _parse_date(start, "--start")
        try:
            check = threshold_check(
                category=type,
                authority_class=authority,
                value_gbp=amount,
                procurement_start=day,
                will_advertise=will_advertise,
            )
        except ThresholdUnknown as exc:
            raise CommandError(f"--start: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(check.to_dict(), indent=2, ensure_ascii=False))
            return
        where = "above" if check.above_threshold else "below"
        lines = [
            f"{gbp(check.value_gbp)} is {where} the {gbp(check.threshold_gbp)} threshold "
            f"({check.regime}, table from {long_date(check.table_effective_from)}).",
            f"Source: {check.source}",
        ]
        if check.notifiable:
            lines.append("It is a notifiable below-threshold contract.")
        if check.below_threshold_tender_notice:
            lines.append("Publish a below-threshold tender notice before advertising it anywhere else.")
        if check.contract_details_notice:
            lines.append("Publish a contract details notice after entering into the contract.")
        self.stdout.write("\n".join(lines))

    # -- standstill -------------------------------------------------------------------------------
    def _standstill(self, published: str, regime: str, *, as_json: bool) -> None:
        day = _parse_date(published, "--published")
        rule = regime_standstill(regime)
        period = rule.period(day)
        assert period is not None  # the regime's standstill is a required one
        if as_json:
            self.stdout.write(json.dumps(period.to_dict(), indent=2))
            return
        length = f"{period.working_days} working days" if period.working_days else f"{period.calendar_days} days"
        self.stdout.write(
            f"{STANDSTILL_NOTICES[regime]} on {long_date(day)} starts a standstill of {length} ending on "
            f"{period.last_day:%A} {long_date(period.last_day)}. The contract may be entered into from "
            f"{long_date(period.contract_may_be_entered_from)}.\nSource: {period.source}\n"
            f"Working days: {period.calendar_source}"
        )


def summary(advice: Advice) -> str:
    """The advice in plain text for a terminal."""
    f = advice.facts
    check = advice.check
    best = advice.recommended_option
    lines = [
        f"Regime: {advice.regime_name} ({advice.regime})",
        f"Value {gbp(f.estimated_value_gbp)} against a {gbp(check.threshold_gbp)} threshold "
        f"(table from {long_date(check.table_effective_from)}): {'above' if check.above_threshold else 'below'}"
        + (", notifiable below-threshold contract" if check.notifiable and advice.regime != "not_procurement" else ""),
        "",
        f"Recommended: {best.title} ({best.route})",
        best.summary,
    ]
    for reason in best.reasons:
        lines.append(f"  {'+' if reason.for_ else '-'} {reason.text} [{reason.source}]")
    lines += ["", "All routes (rank, suitable, route):"]
    for option in advice.options:
        lines.append(f"  {option.rank:>2}. {'yes' if option.suitable else 'no ':3} {option.title}")
    if advice.notices:
        lines += ["", "Notices:"]
        for notice in advice.notices:
            lines.append(f"  {notice.code} {notice.name}{'' if notice.required else ' (if it applies)'}: {notice.when}")
    rule = advice.standstill
    lines += [
        "",
        "Standstill: "
        + (f"required, {rule.working_days or rule.calendar_days} days" if rule.required else "not required"),
    ]
    lines += ["", "Draft timeline:"]
    for stage in advice.timeline:
        lines.append(f"  {stage.starts} to {stage.ends}  {stage.stage}")
    lines += ["", "Cost of competing for the suitable routes (authority + bidders = total, share of value):"]
    for cost in advice.cost_of_competing:
        if cost.process is None or not advice.option(cost.route).suitable:
            continue
        share = f"{cost.share_of_value * 100:.1f}%" if cost.share_of_value is not None else "n/a"
        flag = "  disproportionate" if cost.disproportionate else ""
        money = f"{gbp(cost.authority_gbp)} + {gbp(cost.market_gbp)} = {gbp(cost.total_gbp)}"
        lines.append(f"  {cost.route}: {money} ({share}){flag}")
    if advice.incumbent:
        lines += [
            "",
            f"Existing provider (Appendix E scenario {advice.incumbent.scenario}): {advice.incumbent.verdict}",
        ]
        lines += [f"  - {c}" for c in advice.incumbent.conditions]
    lines += ["", "Compact checks:"]
    for c in advice.compact_checks:
        lines.append(f"  [{'ok' if c.ok else '!!'}] {c.title}: {c.text}")
    return "\n".join(lines)
