"""trellis evidence remind [--date YYYY-MM-DD] — send the expiry reminders due now.

The same job runs every morning in the background; this runs it at once (for example after an
outage, or to see what a given day would send) and prints how many reminders went out.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from trellis.organisations import services


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date must be a real date written as YYYY-MM-DD, for example 2026-03-31; “{value}” is not."
        ) from None


class Command(BaseCommand):
    help = "Accreditation evidence tools. 'remind' sends the expiry reminders due today (or on --date)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        remind = sub.add_parser("remind", help="send the reminders due now and print how many went out")
        remind.add_argument("--date", dest="on", metavar="YYYY-MM-DD", help="act as if today were this date")

    def handle(self, *args, action: str, on: str | None = None, **options):
        today = _parse_date(on) if on else None
        sent = services.evidence_send_reminders(today=today)
        self.stdout.write(f"{sent} reminder{'' if sent == 1 else 's'} sent.")
