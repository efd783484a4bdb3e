"""Importing organisations from a spreadsheet: check first, then write all or nothing.

1. ``organisations_import_check`` reads a file and checks every row against the rules and the
   directory, writing nothing. An org-id already in the directory is a problem on its row,
   unless the person chose "update organisations already in the directory": then that row
   updates the entry (only the cells with a value change it; empty cells leave it as it is).
2. ``organisations_import_preview`` keeps the result as an ``ImportJob`` (validated or failed).
3. ``organisations_import_confirm`` queues a validated job; a background task calls
   ``organisations_import_run``, which checks the file again (the directory may have changed)
   and writes every row in ONE transaction: any failure leaves the directory as it was.

Progress: the import's own transaction keeps its writes invisible to other connections until
it commits, so the count of rows done is published through the task queue's key-value store
(Redis or the tasks SQLite file), which the progress page reads while the job runs.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from trellis.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import audit_record, notify
from trellis.organisations import messages, services
from trellis.organisations import permissions as perms
from trellis.organisations.domain.importing import (
    MAX_BYTES,
    ColumnMap,
    ImportFileError,
    OrganisationRecord,
    Problem,
    Vocabularies,
    read_table,
    validate_table,
)
from trellis.organisations.domain.uploads import SPREADSHEET_TYPES, UploadRefused, check_upload, safe_filename
from trellis.organisations.models import (
    ClientGroup,
    ImportJob,
    ImportStatus,
    LegalForm,
    Organisation,
    OtherIdentifier,
    Sector,
    ServiceType,
)
from trellis.places import selectors as places

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 50
RESULT_ROWS = 100
PROGRESS_EVERY = 50
_CHUNK = 500

ProgressCallback = Callable[[int, int], None]


@dataclass
class ImportPlan:
    """A checked file: what would be created or updated, or every problem found."""

    file_name: str
    file_type: str
    sha256: str
    size_bytes: int
    row_count: int
    update_existing: bool
    columns: ColumnMap
    records: list[OrganisationRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    existing: dict[str, int] = field(default_factory=dict)  # org-id -> pk of the entry to update

    @property
    def ok(self) -> bool:
        return not self.problems

    def action(self, record: OrganisationRecord) -> str:
        return "update" if record.org_id in self.existing else "create"

    @property
    def to_update(self) -> int:
        return sum(1 for r in self.records if r.org_id in self.existing)

    @property
    def to_create(self) -> int:
        return len(self.records) - self.to_update

    def preview(self, limit: int = PREVIEW_ROWS) -> list[dict[str, Any]]:
        return [
            {"row": r.row, "name": r.name, "org_id": r.org_id, "action": self.action(r)} for r in self.records[:limit]
        ]


def vocabularies() -> Vocabularies:
    """What the rules need to know from the database."""
    return Vocabularies(
        legal_forms=dict(LegalForm.choices),
        sectors=dict(Sector.choices),
        service_types=dict(ServiceType.objects.values_list("code", "name")),
        client_groups=dict(ClientGroup.objects.values_list("code", "name")),
        wards=list(places.wards().order_by("gss_code").values_list("gss_code", "name")),
        this_year=timezone.localdate().year,
    )


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _directory_problems(plan: ImportPlan) -> list[Problem]:
    """Identifiers already in the directory: updates (if chosen) or problems on their rows."""
    identifiers = sorted({i for r in plan.records for i in r.identifiers()})
    primary: dict[str, tuple[int, str]] = {}
    other: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(identifiers):
        for pk, org_id, name in Organisation.objects.filter(org_id__in=chunk).values_list("pk", "org_id", "name"):
            primary[org_id] = (pk, name)
        for ident, pk, name in OtherIdentifier.objects.filter(identifier__in=chunk).values_list(
            "identifier", "organisation_id", "organisation__name"
        ):
            other[ident] = (pk, name)
    org_id_heading = plan.columns.org_id_heading
    problems: list[Problem] = []
    for record in plan.records:
        target: int | None = None
        if record.org_id in primary:
            pk, name = primary[record.org_id]
            if plan.update_existing:
                plan.existing[record.org_id] = target = pk
            else:
                problems.append(
                    Problem(
                        record.row,
                        org_id_heading,
                        f"{record.org_id} is already in the directory as “{name}”. To update it, choose "
                        "“Update organisations already in the directory”; otherwise remove this row.",
                    )
                )
                continue
        for i, ident in enumerate(record.identifiers()):
            owner = other.get(ident) or (primary.get(ident) if i > 0 else None)
            if owner and owner[0] != target:
                column = org_id_heading if i == 0 else plan.columns.heading("other_identifiers")
                problems.append(Problem(record.row, column, f"{ident} is already used by “{owner[1]}”."))
    return problems


def organisations_import_check(*, file_name: str, content: bytes, update_existing: bool = False) -> ImportPlan:
    """Read a file and check every row against the rules and the directory. Writes nothing.

    Raises ValidationFailed (field ``file``) when the file itself is refused: empty, too big, not
    what its name claims, or unreadable. Problems with columns and rows come back in the plan."""
    try:
        file_type = check_upload(file_name, content, SPREADSHEET_TYPES, MAX_BYTES)
        table = read_table(file_type.extension, content)
    except (UploadRefused, ImportFileError) as exc:
        raise ValidationFailed(str(exc), errors={"file": [str(exc)]}, field="file") from exc
    validation = validate_table(table, vocabularies())
    plan = ImportPlan(
        file_name=safe_filename(file_name),
        file_type=file_type.extension,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        row_count=validation.row_count,
        update_existing=update_existing,
        columns=validation.columns,
        records=validation.records,
        problems=list(validation.problems),
    )
    if plan.records:
        plan.problems.extend(_directory_problems(plan))
        plan.problems.sort(key=lambda p: p.row or 0)
    return plan


def organisations_import_preview(
    *, actor: Person | None, file_name: str, content: bytes, update_existing: bool = False
) -> ImportJob:
    """Check an uploaded file and keep the result as a job: validated (ready to confirm) or
    failed (with every problem). ``actor`` None is the system (an operator at the command line)."""
    if actor is not None:
        require(perms.can_manage_directory(actor))
    plan = organisations_import_check(file_name=file_name, content=content, update_existing=update_existing)
    job = ImportJob(
        created_by=actor,
        file_name=plan.file_name,
        file_type=plan.file_type,
        sha256=plan.sha256,
        size_bytes=plan.size_bytes,
        update_existing=update_existing,
        status=ImportStatus.VALIDATED if plan.ok else ImportStatus.FAILED,
        total_rows=plan.row_count,
        problems=[p.as_dict() for p in plan.problems],
        preview=plan.preview() if plan.ok else [],
        to_create=plan.to_create if plan.ok else 0,
        to_update=plan.to_update if plan.ok else 0,
    )
    if plan.ok:
        # Only a file that will be imported is kept (it holds people's contact details).
        job.file.save(plan.file_name, ContentFile(content), save=False)
    job.save()
    return job


@transaction.atomic
def organisations_import_confirm(*, actor: Person, job: ImportJob, start: Callable[[int], object]) -> ImportJob:
    """The person has seen the preview and confirms: queue the import to run in the background.

    ``start`` is the background task that runs the import, given the job's id once this transaction commits
    (``tasks.organisations_import_task``, passed by the edge: the task module imports this one, not the reverse).
    """
    require(perms.can_manage_directory(actor))
    if job.status == ImportStatus.FAILED:
        raise InvalidTransition("This file has problems, so it cannot be imported. Fix them and upload it again.")
    queued = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).update(
        status=ImportStatus.QUEUED, queued_at=timezone.now(), updated_at=timezone.now()
    )
    if not queued:
        raise InvalidTransition("This import has already been started.")
    job.refresh_from_db()
    transaction.on_commit(lambda: start(job.pk))
    return job


class _RowFailed(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def _progress_key(job: ImportJob) -> str:
    return f"trellis:import-progress:{job.public_id.hex}"


def _publish_progress(job: ImportJob, done: int) -> None:
    from huey.contrib.djhuey import HUEY

    try:
        HUEY.put(_progress_key(job), done)
    except Exception:  # progress is a courtesy: never let it stop an import
        logger.warning("Could not publish import progress", exc_info=True)


def _clear_progress(job: ImportJob) -> None:
    from huey.contrib.djhuey import HUEY

    try:
        HUEY.get(_progress_key(job))  # reading without peek removes the key
    except Exception:
        logger.warning("Could not clear import progress", exc_info=True)


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) — read live from the task store while the job runs."""
    if job.status != ImportStatus.RUNNING:
        return job.processed_rows, job.total_rows
    from huey.contrib.djhuey import HUEY

    live: Any = None
    try:
        live = HUEY.get(_progress_key(job), peek=True)
    except Exception:
        logger.warning("Could not read import progress", exc_info=True)
    return min(int(live or job.processed_rows), job.total_rows), job.total_rows


def _changes(record: OrganisationRecord, ward_objects: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {"name": record.name, "legal_form": record.legal_form, **record.values}
    if "wards" in changes:
        changes["wards"] = [ward_objects[code] for code in changes["wards"]]
    return changes


def _write_row(plan: ImportPlan, record: OrganisationRecord, actor: Person | None, wards, default_place):
    changes = _changes(record, wards)
    try:
        if record.org_id in plan.existing:
            if record.other_identifiers:
                changes["other_identifiers"] = record.other_identifiers
            org = Organisation.objects.get(pk=plan.existing[record.org_id])
            org, changed = services.organisation_update_from_import(
                actor=actor, organisation=org, changes=changes, check_permission=False
            )
            return org, "updated" if changed else "unchanged"
        place = changes["wards"][0].place if changes.get("wards") else default_place
        org = services.organisation_create(
            actor=actor,
            org_id=record.org_id,
            other_identifiers=record.other_identifiers,
            place=place,
            check_permission=False,
            **changes,
        )
        return org, "created"
    except ValidationFailed as exc:
        name = next(iter(exc.errors), "") if exc.errors else ""
        column = plan.columns.heading(name) if name in plan.columns.positions else name.replace("__all__", "")
        raise _RowFailed(Problem(record.row, column, exc.message)) from exc


def _write(
    plan: ImportPlan, job: ImportJob, actor: Person | None, progress: ProgressCallback | None, every: int
) -> dict[str, int]:
    codes = sorted({c for r in plan.records for c in r.values.get("wards", [])})
    wards = {w.gss_code: w for w in places.wards().filter(gss_code__in=codes)}
    default_place = places.default_place()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    results: list[dict[str, Any]] = []
    total = len(plan.records)
    for done, record in enumerate(plan.records, start=1):
        org, outcome = _write_row(plan, record, actor, wards, default_place)
        counts[outcome] += 1
        if len(results) < RESULT_ROWS:
            results.append({"name": org.name, "slug": org.slug, "org_id": org.org_id, "action": outcome})
        if done % every == 0 or done == total:
            _publish_progress(job, done)
            if progress:
                progress(done, total)
    audit_record(
        actor=actor,
        verb="organisations.imported",
        target=job,
        target_label=job.file_name,
        data={
            "file_name": job.file_name,
            "sha256": job.sha256,
            "rows": total,
            "update_existing": job.update_existing,
            **counts,
        },
    )
    job.results = results
    return counts


def _finish(job: ImportJob, status: str, **fields: Any) -> ImportJob:
    for name, value in {"status": status, "finished_at": timezone.now(), **fields}.items():
        setattr(job, name, value)
    job.save()
    return job


def organisations_import_run(
    *, job: ImportJob, progress: ProgressCallback | None = None, progress_every: int = PROGRESS_EVERY
) -> ImportJob:
    """Import a confirmed file: check it again, then write every row in one transaction.

    On any problem nothing is written and the job is marked failed (with the problems) or error.
    Calling it again for a job that has already run does nothing."""
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.VALIDATED, ImportStatus.QUEUED]).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), processed_rows=0, updated_at=timezone.now()
    )
    job.refresh_from_db()
    if not claimed:
        return job
    _publish_progress(job, 0)
    try:
        return _run_claimed(job, progress, max(1, progress_every))
    finally:
        _clear_progress(job)


def _run_claimed(job: ImportJob, progress: ProgressCallback | None, every: int) -> ImportJob:
    actor = job.created_by
    try:
        if actor is not None:
            require(perms.can_manage_directory(actor))
        with job.file.open("rb") as handle:
            content = handle.read()
        plan = organisations_import_check(file_name=job.file_name, content=content, update_existing=job.update_existing)
        if not plan.ok:
            return _finish(job, ImportStatus.FAILED, problems=[p.as_dict() for p in plan.problems])
        with transaction.atomic():
            counts = _write(plan, job, actor, progress, every)
            _finish(
                job,
                ImportStatus.DONE,
                processed_rows=len(plan.records),
                created_count=counts["created"],
                updated_count=counts["updated"],
                unchanged_count=counts["unchanged"],
            )
            if actor is not None:
                finished = messages.import_finished(job, created=counts["created"], updated=counts["updated"])
                notify(recipients=[actor], message=finished)
        return job
    except _RowFailed as exc:
        job.refresh_from_db()
        return _finish(job, ImportStatus.FAILED, processed_rows=0, problems=[exc.problem.as_dict()])
    except (ValidationFailed, PermissionDenied) as exc:
        job.refresh_from_db()
        return _finish(job, ImportStatus.ERROR, processed_rows=0, error_message=exc.message)
    except Exception:
        logger.exception("Import job %s stopped by an unexpected error", job.public_id)
        job.refresh_from_db()
        return _finish(
            job,
            ImportStatus.ERROR,
            processed_rows=0,
            error_message="Something went wrong on our side while importing. Nothing was imported; "
            "please try again, and tell the platform team if it happens again.",
        )


#: An import that has been "Importing" this long stopped with its worker (one runs in seconds to minutes); its
#: transaction was rolled back, so nothing was written. One "Waiting to start" this long has no worker to take it.
STALLED_RUNNING = timedelta(hours=2)
STALLED_QUEUED = timedelta(hours=24)
STALLED_MESSAGES = {
    ImportStatus.RUNNING: "The import stopped before it finished (the background worker ended). Nothing was imported: "
    "please upload the file again.",
    ImportStatus.QUEUED: "The import never started: no background worker took it within a day. Nothing was imported: "
    "please upload the file again, and tell the platform team.",
}


def import_jobs_sweep(*, now: datetime | None = None) -> int:
    """Mark imports that can no longer finish as stopped, and tell whoever started them (the scheduled task).
    Returns how many were marked."""
    now = now or timezone.now()
    stalled = ImportJob.objects.filter(
        Q(status=ImportStatus.RUNNING, started_at__lt=now - STALLED_RUNNING)
        | Q(status=ImportStatus.QUEUED, queued_at__lt=now - STALLED_QUEUED)
    )
    swept = 0
    for job in stalled.select_related("created_by"):
        message = STALLED_MESSAGES[ImportStatus(job.status)]
        with transaction.atomic():
            # Only if it is still stalled: a worker may have finished it meanwhile.
            changed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportStatus.ERROR, finished_at=now, processed_rows=0, error_message=message, updated_at=now
            )
            if not changed:
                continue
            audit_record(actor=None, verb="import.stalled", target=job, data={"was": job.status, "file": job.file_name})
            if job.created_by is not None:
                notify(recipients=[job.created_by], message=messages.import_stopped(job, reason=message))
        swept += 1
    return swept


# --- Reads -----------------------------------------------------------------------------------


def import_job_get_for(*, actor: Person, public_id: UUID) -> ImportJob:
    """The one door to an import job: for those who maintain the directory. Missing and
    forbidden look the same."""
    job = ImportJob.objects.select_related("created_by").filter(public_id=public_id).first()
    if job is None or not perms.can_manage_directory(actor):
        raise NotFound("No import here")
    return job


def import_jobs_recent(*, actor: Person, limit: int = 10) -> QuerySet[ImportJob]:
    if not perms.can_manage_directory(actor):
        return ImportJob.objects.none()
    return ImportJob.objects.select_related("created_by").order_by("-created_at")[:limit]
