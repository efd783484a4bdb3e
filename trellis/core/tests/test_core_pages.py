"""Core pages, notifications, roles and error handling."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from trellis.core import roles
from trellis.core.domain.roles import Role
from trellis.core.messages import Message
from trellis.core.models import Notification
from trellis.core.services import notification_mark_read, notify


@pytest.mark.django_db
def test_home_page_is_public_and_branded(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>" in body and "Trellis" in body
    assert "Content-Security-Policy" in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_unknown_page_is_a_helpful_404_not_a_stack_trace(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Traceback" not in body
    assert reverse("organisations:directory") in body


@pytest.mark.django_db
def test_dashboard_needs_sign_in(client):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_dashboard_lists_roles(client, provider_admin, charity):
    client.force_login(provider_admin)
    body = client.get(reverse("core:dashboard")).content.decode()
    assert "Provider admin" in body and charity.name in body


@pytest.mark.django_db
def test_notify_fills_inbox_and_sends_email_after_commit(django_capture_on_commit_callbacks, resident, commissioner):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[resident, commissioner], message=Message("Evidence to verify", "Please look", "/x/"))
        assert not Notification.objects.exists()  # nothing until the transaction commits
    assert Notification.objects.filter(subject="Evidence to verify").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, commissioner.email])
    assert all(n.emailed_at for n in Notification.objects.all())


@pytest.mark.django_db
def test_inbox_shows_own_messages_and_marks_them_read(
    client, django_capture_on_commit_callbacks, resident, commissioner
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[resident], message=Message("For the resident", "Hello"), email=False)
        notify(recipients=[commissioner], message=Message("For the commissioner", "Hello"), email=False)
    client.force_login(resident)
    body = client.get(reverse("core:inbox")).content.decode()
    assert "For the resident" in body and "For the commissioner" not in body
    client.post(reverse("core:inbox_mark_read"), {"all": "1"})
    assert Notification.objects.get(recipient=resident).read_at is not None
    assert Notification.objects.get(recipient=commissioner).read_at is None


@pytest.mark.django_db
def test_marking_someone_elses_notification_changes_nothing(django_capture_on_commit_callbacks, resident, commissioner):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[commissioner], message=Message("Private", "x"), email=False)
    other = Notification.objects.get()
    assert notification_mark_read(actor=resident, notification_ids=[other.pk]) == 0
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db
def test_roles_are_held_through_organisations(commissioner, provider_admin, council, charity, platform_admin):
    assert roles.has_role(commissioner, Role.COMMISSIONER, council.pk)
    assert not roles.has_role(commissioner, Role.COMMISSIONER, charity.pk)
    assert roles.has_role(provider_admin, Role.PROVIDER_ADMIN, charity.pk)
    assert roles.is_staff_member(commissioner) and not roles.is_staff_member(provider_admin)
    assert roles.is_platform_admin(platform_admin) and not roles.is_platform_admin(commissioner)
    assert roles.roles_held(provider_admin) == [Role.PROVIDER_ADMIN]


def test_anonymous_holds_no_roles():
    from django.contrib.auth.models import AnonymousUser

    assert not roles.has_role(AnonymousUser(), Role.RESIDENT)
    assert not roles.is_staff_member(AnonymousUser())


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_server_error_page_is_plain(client, monkeypatch):
    from trellis.core.views import pages

    response = pages.server_error(client.get("/").wsgi_request)
    assert response.status_code == 500 and b"Sorry, there is a problem" in response.content


def test_pagination_marks_the_current_page_deep_in_a_long_list(rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(500), 20).page(10)
    html = render_to_string("core/includes/pagination.html", {"page": page, "request": rf.get("/x/?q=food&page=10")})
    assert 'aria-label="Page 10" aria-current="page"' in html
    assert "q=food&amp;page=9" in html and "q=food&amp;page=11" in html and "page=25" in html
    assert "&ctdot;" in html  # pages left out are shown as an ellipsis


@pytest.mark.django_db
def test_navigation_shows_verification_only_to_commissioners(client, commissioner, procurement_officer):
    client.force_login(commissioner)
    assert "Evidence to verify" in client.get("/").content.decode()
    client.force_login(procurement_officer)
    body = client.get("/").content.decode()
    assert "Evidence to verify" not in body and "Import" in body


def test_form_fields_render_govuk_markup_with_linked_hint_and_error():
    import re

    from django import forms as dj_forms

    from trellis.core.forms import Form

    class Example(Form):
        name = dj_forms.CharField(label="Organisation name", help_text="As registered")
        kind = dj_forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=dj_forms.RadioSelect)

    form = Example(data={"name": "", "kind": "z"})
    assert not form.is_valid()
    form.add_error("name", "A second problem found by a service after validation")
    html = str(form)
    assert 'id="id_name_error"' in html and "A second problem" in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert 'id="id_name_helptext" class="govuk-hint"' in html and 'id="id_name_error"' in html
    described = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-describedby="id_name_helptext id_name_error"' in described
    assert "govuk-input--error" in described and 'aria-invalid="true"' in described
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in html
    assert "govuk-radios__input" in html
