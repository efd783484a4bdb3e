"""The upload form for importing organisations from a spreadsheet."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from trellis.core.forms import Form
from trellis.organisations.domain.importing import MAX_BYTES, MAX_ROWS


class ImportUploadForm(Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"A CSV or Excel (.xlsx) file, smaller than {MAX_BYTES // (1024 * 1024)} MB, "
        f"with up to {MAX_ROWS:,} organisations.",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        error_messages={
            "required": "Select a CSV or Excel file to import.",
            "empty": "The selected file is empty.",
            "invalid": "Select a CSV or Excel file to import.",
        },
    )
    update_existing = forms.BooleanField(
        required=False,
        label="Update organisations already in the directory",
        help_text="If a row's org-id is already in the directory, change that entry using the row's filled-in "
        "cells (empty cells leave it as it is). If you leave this unticked, such rows are listed as problems.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(f"The selected file must be smaller than {MAX_BYTES // (1024 * 1024)} MB.")
        return upload
