"""The form that invites the next stage's submissions of a procedure run in stages: its deadline and the day
questions close, each a day and a time in London (midday if no time is given)."""

from __future__ import annotations

from trellis.core.forms import Form
from trellis.opportunities.forms.common import TimeOfDayField, at_london_time
from trellis.organisations.forms.profile import GovukDateField

#: A service error about a moment is shown on its day field.
STAGE_FIELD_MAP = {"closes_at": "closes_on", "questions_close_at": "questions_close_on", "__all__": "__all__"}


class InviteStageForm(Form):
    closes_on = GovukDateField(label="Deadline for this stage", help_text="For example, 30 6 2027.")
    closes_time = TimeOfDayField(label="Time of the deadline", help_text="London time, for example 12:00 or 5pm.")
    questions_close_on = GovukDateField(
        label="Questions close on",
        required=False,
        help_text="Leave blank to take questions until the deadline. Answers go to every invited provider.",
    )
    questions_close_time = TimeOfDayField(label="Questions close at", help_text="For example 12:00 or 5pm.")

    width_classes = {"closes_time": "govuk-input--width-5", "questions_close_time": "govuk-input--width-5"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closes_on"].error_messages["required"] = "Enter the deadline for this stage."

    def clean(self):
        data = super().clean()
        if data.get("questions_close_time") and not data.get("questions_close_on"):
            self.add_error("questions_close_on", "Enter the day questions close, as well as the time.")
        return data

    def moments(self) -> dict:
        data = self.cleaned_data
        return {
            "closes_at": at_london_time(data.get("closes_on"), data.get("closes_time")),
            "questions_close_at": at_london_time(data.get("questions_close_on"), data.get("questions_close_time")),
        }
