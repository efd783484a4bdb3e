"""Background task for organisation imports (Huey). Imported from the app's ``ready()`` so that
every task consumer knows it."""

from huey.contrib.djhuey import db_task

from trellis.organisations.models import ImportJob


@db_task()
def organisations_import_task(job_id: int) -> None:
    """Run a confirmed import. Not retried: a failed import is reported on its page instead."""
    from trellis.organisations.importing import organisations_import_run

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        organisations_import_run(job=job)
