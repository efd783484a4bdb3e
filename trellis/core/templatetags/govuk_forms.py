"""GOV.UK markup for forms we do not define ourselves (django-allauth's sign-in, password and MFA forms).

``{{ form|govuk_form }}`` gives each widget the classes, widths and error attributes that
``trellis.core.forms.GovukFormMixin`` gives our own forms, then renders it with the same templates.
"""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

from trellis.core.forms import WIDGET_CLASSES, GovukFormRenderer, widget_kind

register = template.Library()


_RENDERER = GovukFormRenderer()

#: Input widths by input type or field name (GOV.UK: size the input to the answer expected).
_WIDTHS = {
    "email": "govuk-!-width-two-thirds",
    "password": "govuk-!-width-one-half",
    "code": "govuk-input--width-10",
}

#: allauth's labels in plain British English, sentence case.
_LABELS = {
    "Email": "E-mail address",
    "Email address": "E-mail address",
    "Remember Me": "Keep me signed in on this device",
    "Password (again)": "Confirm password",
    "Current Password": "Current password",
    "New Password": "New password",
    "New Password (again)": "Confirm new password",
    "Authenticator code": "Code from your authenticator app",
}

#: GOV.UK error messages say what to do, not "This field is required."
_REQUIRED = {
    "login": "Enter your e-mail address",
    "email": "Enter your e-mail address",
    "password": "Enter your password",
    "oldpassword": "Enter your current password",
    "password1": "Enter a password",
    "password2": "Enter the password again",
    "code": "Enter the code",
}


def _plain_required_errors(form: forms.BaseForm, name: str, field: forms.Field) -> None:
    required = str(field.error_messages.get("required", ""))
    messages = list(form.errors[name])
    if required and required in messages:
        wanted = _REQUIRED.get(name, f"Enter {str(field.label).lower()}")
        form.errors[name] = form.error_class([wanted if m == required else m for m in messages])


def prepare(form: forms.BaseForm) -> forms.BaseForm:
    """Apply GOV.UK classes and ARIA attributes to every widget of the form (safe to call twice)."""
    errors = form.errors if form.is_bound else {}
    for name, field in form.fields.items():
        widget = field.widget
        kind = widget_kind(widget)
        field.label = _LABELS.get(str(field.label), field.label)
        if field.help_text and not str(field.help_text).strip():
            field.help_text = ""
        css = "govuk-input"
        for cls, value in WIDGET_CLASSES.items():
            if isinstance(widget, cls):
                css = value
        if kind in {"checkboxes", "radios"}:
            css = f"govuk-{kind}__input"
        input_type = getattr(widget, "input_type", "")
        width = _WIDTHS.get(name) or (_WIDTHS.get(input_type, "") if kind == "input" else "")
        if name in errors:
            _plain_required_errors(form, name, field)
        if name in errors and kind in {"input", "textarea", "select", "file"}:
            css += f" govuk-{'input' if kind == 'input' else kind}--error"
        widget.attrs["class"] = f"{css} {width}".strip()
        widget.attrs.pop("placeholder", None)  # every field has a visible label instead
        if input_type == "email":
            widget.attrs["spellcheck"] = "false"
        bound = form[name]
        # The bound field may have been made during validation, copying the label and hint as they were then.
        bound.label, bound.help_text = field.label, field.help_text
        if name in errors:
            widget.attrs["aria-invalid"] = "true"
        else:
            widget.attrs.pop("aria-invalid", None)
        # Django links the input to "<id>_helptext" and "<id>_error" when it renders (core/forms/field.html).
        widget.attrs.pop("aria-describedby", None)
        widget.kind = kind  # read by core/forms/field.html
    form.renderer = _RENDERER
    return form


@register.filter
def govuk_form(form) -> SafeString:
    """Render a form in GOV.UK markup: labels, hints, error messages beside each field."""
    if not isinstance(form, forms.BaseForm):
        return mark_safe("")
    return prepare(form).render()


@register.filter
def govuk_prepared(form):
    """The form with GOV.UK attributes and messages, for an error summary drawn before the form itself."""
    return prepare(form) if isinstance(form, forms.BaseForm) else form
