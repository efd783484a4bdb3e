"""Forms render in GOV.UK Frontend markup: one renderer and one field template for every form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms.renderers import TemplatesSetting

from trellis.core.errors import PermissionDenied as ServiceDenied
from trellis.core.errors import TrellisError

WIDGET_CLASSES: dict[type, str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


class GovukFormRenderer(TemplatesSetting):
    """Renders forms with the project's template engine ("django.forms" is an installed app, so
    Django's widget templates are found too), drawing fields with the GOV.UK templates."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def widget_kind(widget: forms.Widget) -> str:
    """Which GOV.UK pattern a widget is drawn with."""
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


class GovukFormMixin:
    """Adds GOV.UK classes and error attributes to every widget."""

    width_classes: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            kind = widget_kind(widget)
            css = "govuk-input"
            for cls, value in WIDGET_CLASSES.items():
                if isinstance(widget, cls):
                    css = value
            if kind in {"checkboxes", "radios"}:
                css = f"govuk-{kind}__input"
            extra = self.width_classes.get(name, "")
            widget.attrs["class"] = f"{css} {extra}".strip()
            widget.kind = kind  # read by the field template

    def full_clean(self):
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                kind = getattr(widget, "kind", "input")
                if kind in {"input", "textarea", "select", "file"}:
                    widget.attrs["class"] += f" govuk-{'input' if kind == 'input' else kind}--error"
                widget.attrs["aria-invalid"] = "true"
        # Django links each input to its hint ("<id>_helptext") and errors ("<id>_error") with
        # aria-describedby when it renders; the field template gives those elements these ids.


class Form(GovukFormMixin, forms.Form):
    pass


class ModelForm(GovukFormMixin, forms.ModelForm):
    pass


def show_service_errors(form: forms.BaseForm, exc: TrellisError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's error on the form, each message beside the field it names (or above the form).

    A refusal (``trellis.core.errors.PermissionDenied``) is not a form error: it becomes Django's
    PermissionDenied, shown on the 403 page with its reason.
    """
    if isinstance(exc, ServiceDenied):
        raise DjangoPermissionDenied(exc.message)
    errors = getattr(exc, "errors", None) or {exc.field or "__all__": [exc.message]}
    for key, messages in errors.items():
        name = (field_map or {}).get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
