"""Background tasks of the directory (Huey). Huey's consumer finds them itself: it imports every installed
app's ``tasks`` module when it starts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from trellis.organisations import importing, services
from trellis.organisations.models import ImportJob


@db_periodic_task(crontab(hour=7, minute=0))
def send_evidence_reminders() -> int:
    """Every morning: remind organisations of documents about to expire, and let expired ones lapse."""
    return services.evidence_send_reminders()


@db_periodic_task(crontab(minute="*/15"))
def sweep_stalled_imports() -> int:
    """Every quarter of an hour: imports whose worker stopped, or that no worker took, are marked as stopped."""
    return importing.import_jobs_sweep()


@db_task()
def organisations_import_task(job_id: int) -> None:
    """Run a confirmed import. Not retried: a failed import is reported on its page instead."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        importing.organisations_import_run(job=job)
