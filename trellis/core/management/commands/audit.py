"""trellis audit verify — check the hash chain of the audit log.

Exit status 0 when every event is intact, 1 naming the first bad event otherwise.
"""

from django.core.management.base import BaseCommand, CommandError

from trellis.core.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks that no event was altered, removed or reordered."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("verify", help="verify the hash chain; exit 1 naming the first bad event")

    def handle(self, *args, action: str, **options):
        count, problem = audit_verify()
        if problem:
            raise CommandError(f"Audit log broken at event #{problem.seq}: {problem.reason}.", returncode=1)
        self.stdout.write(f"Audit log intact: {count} events verified.")
