"""The web edge: a domain error a view does not handle becomes its page, and the helpers every view shares."""

from __future__ import annotations

import pytest
from django import forms
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path

from trellis.core import errors
from trellis.core.forms import error_links, show_service_errors
from trellis.core.models import Person
from trellis.core.permissions import allow, deny
from trellis.core.tests.factories import PersonFactory
from trellis.core.web import page_message, raise_refusal, require, signed_in

pytestmark = pytest.mark.django_db

RAISED = {
    "refused": errors.PermissionDenied("Only the panel's chair can close the panel."),
    "conflict": errors.ConflictOfInterest("You declared a conflict of interest with this bidder."),
    "missing": errors.NotFound("No bid here"),
    "transition": errors.InvalidTransition("A closed opportunity cannot be published."),
    "late": errors.DeadlinePassed("The deadline for bids was 12:00pm on Friday 6 March 2026."),
    "ineligible": errors.NotEligible("Only organisations at the foundation tier can bid."),
    "invalid": errors.ValidationFailed("Give the opportunity a title."),
    "unsafe": errors.UnsafeUpload("The file is not a PDF, though its name says it is."),
}


def raising(request, kind: str):
    raise RAISED[kind]


def denied_write(request):
    """A write that a refusal stops part-way, inside the service's transaction."""
    with transaction.atomic():
        PersonFactory(email="half-written@example.org")
        raise errors.PermissionDenied("You cannot add people to this organisation.")


def broken(request):
    raise ValueError("not a domain error")


@signed_in
def private(request):
    require(deny("Only commissioners can see the spend dashboard.") if request.GET.get("deny") else allow())
    return HttpResponse("private page")


urlpatterns = [
    path("edge/raise/<str:kind>/", raising),
    path("edge/write/", denied_write),
    path("edge/broken/", broken),
    path("edge/private/", private),
    path("", include("config.urls")),  # the pages link to the site's own addresses
]

edge = pytest.mark.urls(__name__)


@edge
@pytest.mark.parametrize(
    ("kind", "status", "template", "shown"),
    [
        ("refused", 403, "core/403.html", "Only the panel&#x27;s chair can close the panel."),
        ("conflict", 403, "core/403.html", "You declared a conflict of interest with this bidder."),
        ("missing", 404, "core/404.html", "Page not found"),
        ("transition", 409, "core/400.html", "A closed opportunity cannot be published."),
        ("late", 409, "core/400.html", "The deadline for bids was 12:00pm on Friday 6 March 2026."),
        ("ineligible", 409, "core/400.html", "Only organisations at the foundation tier can bid."),
        ("invalid", 422, "core/400.html", "Give the opportunity a title."),
        ("unsafe", 422, "core/400.html", "The file is not a PDF, though its name says it is."),
    ],
)
def test_each_domain_error_becomes_its_page(client, kind, status, template, shown):
    response = client.get(f"/edge/raise/{kind}/")
    assert response.status_code == status
    assert template in [t.name for t in response.templates]
    assert shown in response.content.decode()


@edge
def test_a_refusal_shows_its_reason_in_the_page_body_and_title(client):
    html = client.get("/edge/raise/refused/").content.decode()
    assert "<title>You cannot do that" in html
    assert "Only the panel&#x27;s chair can close the panel." in html
    assert "You do not have permission to see this page" not in html  # the reason replaces the general text


@edge
def test_a_missing_object_shows_the_404_page_without_its_internal_message(client):
    html = client.get("/edge/raise/missing/").content.decode()
    assert "Page not found" in html
    assert "No bid here" not in html  # missing and forbidden look the same: nothing says what was looked for


@edge
def test_a_denied_write_changes_nothing(client):
    before = Person.objects.count()
    response = client.get("/edge/write/")
    assert response.status_code == 403
    assert "You cannot add people to this organisation." in response.content.decode()
    assert Person.objects.count() == before
    assert not Person.objects.filter(email="half-written@example.org").exists()


@edge
def test_other_exceptions_are_left_to_django(client):
    with pytest.raises(ValueError, match="not a domain error"):
        client.get("/edge/broken/")


@edge
def test_signed_in_sends_a_signed_out_person_to_sign_in_and_back(client):
    response = client.get("/edge/private/?deny=")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/edge/private/%3Fdeny%3D"


@edge
def test_require_lets_an_allowed_person_through_and_refuses_with_the_reason(client):
    client.force_login(PersonFactory())
    assert client.get("/edge/private/").content == b"private page"
    refused = client.get("/edge/private/?deny=1")
    assert refused.status_code == 403
    assert "Only commissioners can see the spend dashboard." in refused.content.decode()


def test_page_message_gives_the_message_of_an_error_a_person_can_put_right():
    assert page_message(errors.InvalidTransition("Close it first.")) == "Close it first."
    raise_refusal(errors.DeadlinePassed("Too late."))  # not a refusal: nothing raised


def test_page_message_raises_a_refusal_again_for_the_403_page():
    refusal = errors.PermissionDenied("Officers only.")
    with pytest.raises(errors.PermissionDenied) as raised:
        page_message(refusal)
    assert raised.value is refusal


class Choices(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect)
    days = forms.MultipleChoiceField(choices=[("mon", "Monday")], widget=forms.CheckboxSelectMultiple)
    agree = forms.BooleanField()


class DayWidget(forms.MultiWidget):
    """Boxes whose first is named by ``id_for_label``, as the GOV.UK date input does."""

    def __init__(self):
        super().__init__({"day": forms.TextInput(), "month": forms.TextInput()})

    def decompress(self, value):
        return [None, None]

    def id_for_label(self, id_):
        return f"{id_}_day"


class WhenForm(forms.Form):
    when = forms.CharField(widget=DayWidget(), required=False)


def test_error_links_go_to_the_first_input_of_each_field_and_the_page_for_the_rest():
    form = Choices(data={})
    assert error_links(form) == [
        ("#id_name", "This field is required."),
        ("#id_colour_0", "This field is required."),
        ("#id_days_0", "This field is required."),
        ("#id_agree", "This field is required."),
    ]
    when = WhenForm(data={})
    when.is_valid()
    when.add_error(None, "The dates overlap.")
    when.add_error("when", "Enter the day.")
    assert error_links(when) == [("#main-content", "The dates overlap."), ("#id_when_day", "Enter the day.")]


def test_error_links_cover_formsets_and_skip_unbound_and_missing_parts():
    Rows = forms.formset_factory(Choices, extra=0, min_num=1, validate_min=True)
    rows = Rows(data={"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"})
    assert error_links(rows, None, Choices()) == [("#main-content", "Please submit at least 1 form.")]
    named = Rows(data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": "Ada"})
    assert ("#id_form-0-colour_0", "This field is required.") in error_links(named)


def test_service_errors_go_beside_their_fields_and_a_refusal_goes_to_the_403_page():
    form = Choices(data={"name": "x", "colour": "red", "days": ["mon"], "agree": "on"})
    assert form.is_valid()
    show_service_errors(form, errors.ValidationFailed.of({"title": ["Give a title."], "name": ["Too short."]}))
    assert form.errors == {"__all__": ["Give a title."], "name": ["Too short."]}
    with pytest.raises(errors.PermissionDenied):
        show_service_errors(form, errors.PermissionDenied("Officers only."))


def test_a_refusal_can_be_shown_on_the_form_instead():
    form = Choices(data={"name": "x", "colour": "red", "days": ["mon"], "agree": "on"})
    assert form.is_valid()
    show_service_errors(form, errors.PermissionDenied("The bid is submitted."), refusal_on_form=True)
    assert form.non_field_errors() == ["The bid is submitted."]
