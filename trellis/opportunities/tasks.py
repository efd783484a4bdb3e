"""Background tasks of opportunities (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from trellis.opportunities import services


@db_periodic_task(crontab(minute="*/5"))
def close_due_opportunities() -> int:
    """Every five minutes: close opportunities whose deadline has passed.

    Bids are refused after the deadline by the deadline itself, not by this status, so a late run of this task
    never lets a late bid in."""
    return services.close_due_opportunities()


@db_periodic_task(crontab(minute="7"))
def send_deadline_reminders() -> int:
    """Every hour: remind interested providers a week and a day before a deadline (each reminder once)."""
    return services.opportunity_send_deadline_reminders()
