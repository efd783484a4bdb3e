"""trellis organisations import FILE — add organisations to the directory from a CSV or XLSX file.

The file is checked first; every problem is printed as ``row N, column C: message`` and the
command exits with status 1 without writing anything. Otherwise the organisations are written
in one transaction (all or nothing) with a progress bar on stderr, and a summary is printed.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trellis.core.errors import TrellisError
from trellis.core.models import Person
from trellis.organisations import importing
from trellis.organisations import permissions as perms
from trellis.organisations.domain.importing import Problem
from trellis.organisations.models import ImportStatus

IMPORT_HELP = """\
Check a CSV or Excel (.xlsx) file of organisations and import it: all rows or none.
Columns: name, org_id (or a 'Charity number' column, giving GB-CHC-<number>) and legal_form are
required; see the import page in the web app for every column and accepted code.
Who is recorded as doing the import: with --as EMAIL, that person (who must be a commissioner,
procurement officer or platform admin); without it, 'system' (an operator at the server).
Exit status: 0 when imported (or valid, with --dry-run); 1 when there is any problem, in which
case nothing is written."""


class ProgressBar:
    """A text progress bar on a command's output wrapper: redrawn in place on a terminal,
    a line per tenth otherwise (in logs)."""

    def __init__(self, stream, width: int = 30):
        self.stream = stream
        self.width = width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} {done:,}/{total:,} rows"
        if self.tty:
            self.stream.write(f"\r{line}", ending="\n" if done >= total else "")
        elif int(fraction * 10) != self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self.stream.write(line)
        self.stream.flush()


class Command(BaseCommand):
    help = "Provider directory tools. 'import' adds organisations from a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("import", help="import organisations from a CSV or XLSX file", description=IMPORT_HELP)
        p.add_argument("file", metavar="FILE", help="the .csv or .xlsx file to import")
        p.add_argument(
            "--update-existing",
            action="store_true",
            help="update organisations whose org-id is already in the directory (otherwise they are problems)",
        )
        p.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        p.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="the person doing the import (must be able to manage the directory); default: the system",
        )

    def handle(self, *args, action: str, **options):
        if action == "import":
            self.import_file(**options)

    def _actor(self, email: str | None) -> Person | None:
        if not email:
            return None
        person = Person.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if person is None:
            raise CommandError(f"No active person has the e-mail address {email}.", returncode=1)
        decision = perms.can_manage_directory(person)
        if not decision:
            raise CommandError(f"{person.email} cannot import organisations: {decision.reason}", returncode=1)
        return person

    def _report(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.stderr.write(problem.as_line())
        count = len(problems)
        raise CommandError(
            f"{count} problem{'s' if count != 1 else ''} found: nothing was imported. Fix the file and run again.",
            returncode=1,
        )

    def import_file(self, *, file: str, update_existing: bool, dry_run: bool, as_email: str | None, **_):
        actor = self._actor(as_email)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}.", returncode=1)
        content = path.read_bytes()
        try:
            if dry_run:
                plan = importing.organisations_import_check(
                    file_name=path.name, content=content, update_existing=update_existing
                )
                if not plan.ok:
                    self._report(plan.problems)
                self.stdout.write(
                    f"{path.name} is valid: {plan.to_create} organisation{'s' if plan.to_create != 1 else ''} "
                    f"would be added and {plan.to_update} updated. Nothing was written (dry run)."
                )
                return
            job = importing.organisations_import_preview(
                actor=actor, file_name=path.name, content=content, update_existing=update_existing
            )
        except TrellisError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        if job.status == ImportStatus.FAILED:
            self._report([Problem(**p) for p in job.problems])
        job = importing.organisations_import_run(job=job, progress=ProgressBar(self.stderr))
        if job.status == ImportStatus.FAILED:
            self._report([Problem(**p) for p in job.problems])
        if job.status != ImportStatus.DONE:
            raise CommandError(job.error_message or "The import stopped: nothing was imported.", returncode=1)
        self.stdout.write(
            f"Imported {path.name}: {job.created_count} added, {job.updated_count} updated, "
            f"{job.unchanged_count} already up to date."
        )
