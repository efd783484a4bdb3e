"""How the opportunities pages write moments: “5pm on Tuesday 30 June 2026” (London time), “closes in 12 days”."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

register = template.Library()
LONDON = ZoneInfo("Europe/London")


def time_text(moment: datetime.datetime) -> str:
    """GOV.UK style: “midday”, “midnight”, “5pm”, “5:30pm”."""
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@register.filter
def london(moment: datetime.datetime | None) -> str:
    """A moment as people in the UK read it: “5pm on Tuesday 30 June 2026”."""
    if not moment:
        return ""
    local = moment.astimezone(LONDON)
    return f"{time_text(local)} on {local:%A} {local.day} {local:%B %Y}"


def days_until(moment: datetime.datetime, now: datetime.datetime) -> int:
    return (moment.astimezone(LONDON).date() - now.astimezone(LONDON).date()).days


def closes_in_text(moment: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """“closes in 12 days”, “closes tomorrow”, “closes today”, or “closed”."""
    if not moment:
        return ""
    now = now or timezone.now()
    if moment <= now:
        return "closed"
    days = days_until(moment, now)
    if days <= 0:
        return f"closes today at {time_text(moment.astimezone(LONDON))}"
    if days == 1:
        return "closes tomorrow"
    return f"closes in {days} days"


@register.filter
def closes_in(moment: datetime.datetime | None) -> str:
    return closes_in_text(moment)


@register.filter
def lines(text: str) -> list[str]:
    """The non-blank lines of a text (outcomes are written one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def file_kind(content_type: str) -> str:
    """“PDF”, “Word”…: what kind of file a download is, said before anyone opens it."""
    from trellis.organisations.domain.uploads import DOCUMENT_TYPES

    return next((t.label for t in DOCUMENT_TYPES.values() if t.content_type == content_type), "File")


@register.filter
def stage_label(value: str) -> str:
    """“Expression of interest”: a stage of a procedure run in stages, in words."""
    from trellis.opportunities.domain.kinds import Stage

    return Stage(value).label if value in {s.value for s in Stage} else ""
