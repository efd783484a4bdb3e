"""Imports that can no longer finish — their worker stopped, or no worker ever took them — are marked as stopped by
the scheduled sweep, and whoever started them is told; imports still within their time are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from trellis.core.models import AuditEvent, Notification
from trellis.organisations import importing
from trellis.organisations.models import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 18, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    """One clock per test: the server's time is NOW (the scheduled task reads it itself)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def job(commissioner, status: str, *, started: timedelta | None = None, queued: timedelta | None = None):
    return ImportJob.objects.create(
        created_by=commissioner,
        file_name="suppliers.csv",
        file_type="csv",
        sha256="0" * 64,
        status=status,
        started_at=NOW - started if started is not None else None,
        queued_at=NOW - queued if queued is not None else None,
    )


def test_a_stalled_running_import_and_a_never_started_one_are_stopped_and_reported(
    commissioner, django_capture_on_commit_callbacks
):
    running = job(commissioner, ImportStatus.RUNNING, started=timedelta(hours=3))
    waiting = job(commissioner, ImportStatus.QUEUED, queued=timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert importing.import_jobs_sweep(now=NOW) == 2
    running.refresh_from_db()
    waiting.refresh_from_db()
    assert running.status == waiting.status == ImportStatus.ERROR
    assert "stopped before it finished" in running.error_message and "never started" in waiting.error_message
    assert running.finished_at == NOW
    assert AuditEvent.objects.filter(verb="import.stalled").count() == 2
    assert Notification.objects.filter(recipient=commissioner, subject="Import stopped: suppliers.csv").count() == 2


def test_imports_within_their_time_or_finished_are_left_alone(commissioner):
    recent = job(commissioner, ImportStatus.RUNNING, started=timedelta(minutes=30))
    queued = job(commissioner, ImportStatus.QUEUED, queued=timedelta(hours=3))
    done = job(commissioner, ImportStatus.DONE, started=timedelta(days=3))
    checked = job(commissioner, ImportStatus.VALIDATED)
    assert importing.import_jobs_sweep(now=NOW) == 0
    for item, status in ((recent, "running"), (queued, "queued"), (done, "done"), (checked, "validated")):
        item.refresh_from_db()
        assert item.status == status
    assert not AuditEvent.objects.filter(verb="import.stalled").exists()


def test_the_sweep_runs_as_a_scheduled_task(commissioner):
    from trellis.organisations import tasks

    job(commissioner, ImportStatus.RUNNING, started=timedelta(hours=5))
    job(commissioner, ImportStatus.RUNNING, started=timedelta(minutes=30))
    assert tasks.sweep_stalled_imports.call_local() == 1
