"""Background tasks of the directory (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from trellis.organisations import services


@db_periodic_task(crontab(hour=7, minute=0))
def send_evidence_reminders() -> int:
    """Every morning: remind organisations of documents about to expire, and let expired ones lapse."""
    return services.evidence_send_reminders()


@db_periodic_task(crontab(minute="*/15"))
def sweep_stalled_imports() -> int:
    """Every quarter of an hour: imports whose worker stopped, or that no worker took, are marked as stopped."""
    from trellis.organisations.importing import import_jobs_sweep

    return import_jobs_sweep()
