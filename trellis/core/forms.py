"""Forms render in GOV.UK Frontend markup: one renderer and one field template for every form."""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting

from trellis.core.errors import PermissionDenied, TrellisError

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


def show_service_errors(
    form: forms.BaseForm,
    exc: TrellisError,
    field_map: dict[str, str] | None = None,
    *,
    refusal_on_form: bool = False,
) -> None:
    """Put a service's error on the form, each message beside the field it names (or above the form).

    A refusal (``trellis.core.errors.PermissionDenied``) is not a form error: it is raised again, and the web edge
    (``trellis.core.middleware.TrellisErrorMiddleware``) shows it on the 403 page with its reason. With
    ``refusal_on_form`` it is shown above the form instead (a bid that is locked, say, is still shown to its bidder).
    """
    if isinstance(exc, PermissionDenied):
        if not refusal_on_form:
            raise exc
        form.add_error(None, exc.message)
        return
    errors = getattr(exc, "errors", None) or {exc.field or "__all__": [exc.message]}
    for key, messages in errors.items():
        name = (field_map or {}).get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def error_anchor(bound: forms.BoundField) -> str:
    """The id of the input an error summary link goes to: the field's own input, the first of a group of radios
    or checkboxes, or the first box of a date (a widget's ``id_for_label`` names it)."""
    return str(bound.id_for_label or f"{bound.auto_id}_0")


def error_links(*parts: forms.BaseForm | forms.BaseFormSet | None) -> list[tuple[str, str]]:
    """(anchor, message) for the GOV.UK error summary, for forms and formsets: each link goes to the field it
    names; errors about a whole form or list go to the main content."""
    links: list[tuple[str, str]] = []
    for part in parts:
        if part is None or not part.is_bound:
            continue
        if isinstance(part, forms.BaseFormSet):
            links += [("#main-content", str(message)) for message in part.non_form_errors()]
            for form in part.forms:
                links += error_links(form)
            continue
        links += [("#main-content", str(message)) for message in part.non_field_errors()]
        for bound in part:
            links += [(f"#{error_anchor(bound)}", str(message)) for message in bound.errors]
    return links
