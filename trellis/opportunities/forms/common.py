"""Pieces shared by the opportunities forms: a time of day, a deadline in London time."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

LONDON = ZoneInfo("Europe/London")
#: The time a deadline falls at when none is given: midday avoids the "is midnight today or tomorrow?" muddle.
DEFAULT_TIME = datetime.time(12, 0)

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>am|pm)?$")


def parse_time(text: str) -> datetime.time | None:
    """“17:00”, “5pm”, “5.30pm”, “midday” or “noon” as a time; None when it is not a time."""
    value = " ".join(text.lower().split()).replace("a.m.", "am").replace("p.m.", "pm")
    if value in {"midday", "noon", "12 noon", "12noon"}:
        return datetime.time(12, 0)
    found = _TIME.match(value)
    if not found:
        return None
    hour, minute, ampm = int(found["hour"]), int(found["minute"] or 0), found["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return datetime.time(hour, minute)


class TimeOfDayField(forms.CharField):
    """A time typed as people write it; blank means midday."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "inputmode": "text"})
        )
        super().__init__(**kwargs)

    def clean(self, value) -> datetime.time | None:
        text = super().clean(value)
        if not text:
            return None
        parsed = parse_time(text)
        if parsed is None:
            raise ValidationError(f"{self.label} must be a time of day, like 12:00 or 5pm.", code="invalid")
        return parsed


def at_london_time(day: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    """The aware moment a day and time mean in London (midday when no time is given)."""
    if day is None:
        return None
    return datetime.datetime.combine(day, time or DEFAULT_TIME, tzinfo=LONDON)


def london_parts(moment: datetime.datetime | None) -> tuple[datetime.date | None, str]:
    """A stored moment as the day and the time (“12:00”) shown in the form."""
    if moment is None:
        return None, ""
    local = moment.astimezone(LONDON)
    return local.date(), local.strftime("%H:%M")
