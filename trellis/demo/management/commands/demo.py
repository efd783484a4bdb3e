"""trellis demo load — load the fictional borough of Northbridge (idempotent).
trellis demo accounts — print how to sign in as each demo role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trellis.core.errors import TrellisError
from trellis.demo import loader


class Command(BaseCommand):
    help = "The demo place: 'load' creates whatever is missing; 'accounts' lists the demo sign-ins."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("load", help="load Northbridge: wards, 60+ organisations, people, evidence, consortia")
        sub.add_parser("accounts", help="print the e-mail and password for each demo role")

    def handle(self, *args, action: str, **options):
        if action == "accounts":
            self.stdout.write("\nSign in at http://127.0.0.1:8000/accounts/login/ as any of these demo people")
            self.stdout.write(f"(password for all: {settings.TRELLIS_DEMO_PASSWORD}):\n")
            for role, name, email, org in loader.accounts():
                self.stdout.write(f"  {role:<22} {email:<48} {name} — {org}")
            self.stdout.write(
                "Residents can also choose “Send me a sign-in code” (the code is printed in this console).\n"
            )
            return
        try:
            report = loader.load()
        except TrellisError as exc:
            raise CommandError(f"The demo data is not valid: {exc.message}") from exc
        self.stdout.write(
            f"Northbridge demo: {report.organisations_created} organisations, {report.people_created} people, "
            f"{report.documents_created} evidence documents, {report.consortia_created} consortia, "
            f"{report.partner_requests_created} partner requests and {report.opportunities_created} opportunities added"
            + (
                " (nothing new: already loaded)."
                if not any([report.organisations_created, report.people_created, report.opportunities_created])
                else "."
            )
        )
        for line in report.skipped:
            self.stderr.write(f"  skipped: {line}")
