"""`trellis api token create|list|revoke` and the tokens it makes."""

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trellis.core.api_auth import person_for_token
from trellis.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("api", *args, stdout=out)
    return out.getvalue()


def created_token(output: str) -> str:
    match = re.search(r"\b(trl_[A-Za-z0-9_-]{20,})\b", output)
    assert match, output
    return match.group(1)


def test_create_prints_the_token_once_and_stores_only_its_hash(provider_admin):
    output = run("token", "create", provider_admin.email.upper(), "--name", "Booking system")
    raw = created_token(output)
    assert "will not be shown again" in output
    token = ApiToken.objects.get()
    assert token.person == provider_admin
    assert token.name == "Booking system"
    assert token.prefix == raw[:12]
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in token.key_hash
    assert person_for_token(raw) == provider_admin
    event = AuditEvent.objects.get(verb="api_token.created")
    assert event.data == {"person": provider_admin.email, "name": "Booking system", "prefix": token.prefix}
    assert raw not in str(event.data)
    assert raw not in run("token", "list")


def test_create_for_an_unknown_email_fails_and_creates_nothing(db):
    with pytest.raises(CommandError, match=r"nobody@example\.org"):
        run("token", "create", "nobody@example.org", "--name", "x")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_for_a_deactivated_person_fails(provider_admin):
    provider_admin.is_active = False
    provider_admin.save()
    with pytest.raises(CommandError, match="deactivated"):
        run("token", "create", provider_admin.email, "--name", "x")
    assert not ApiToken.objects.exists()


def test_create_needs_a_name(provider_admin):
    with pytest.raises(CommandError, match="name"):
        run("token", "create", provider_admin.email, "--name", "   ")
    assert not ApiToken.objects.exists()


def test_list_shows_prefix_name_person_and_last_use(provider_admin, commissioner):
    assert run("token", "list").strip() == "No API tokens."
    raw = created_token(run("token", "create", provider_admin.email, "--name", "Booking system"))
    run("token", "create", commissioner.email, "--name", "Monitoring dashboard")
    person_for_token(raw)  # used once
    lines = run("token", "list").splitlines()
    assert lines[0].split() == ["PREFIX", "NAME", "PERSON", "CREATED", "LAST", "USED", "STATUS"]
    booking = next(line for line in lines if "Booking system" in line)
    assert raw[:12] in booking and provider_admin.email in booking and "active" in booking
    assert "never" not in booking
    dashboard = next(line for line in lines if "Monitoring dashboard" in line)
    assert commissioner.email in dashboard and "never" in dashboard


def test_revoke_stops_the_token_working(provider_admin):
    raw = created_token(run("token", "create", provider_admin.email, "--name", "Booking system"))
    output = run("token", "revoke", raw[:12])
    assert "Revoked" in output
    token = ApiToken.objects.get()
    assert token.revoked_at is not None
    assert person_for_token(raw) is None
    assert "revoked" in run("token", "list")
    assert AuditEvent.objects.filter(verb="api_token.revoked", target_id=str(token.pk)).exists()


def test_revoke_unknown_or_already_revoked_prefix_fails(provider_admin):
    with pytest.raises(CommandError, match="No token"):
        run("token", "revoke", "trl_nothing1")
    raw = created_token(run("token", "create", provider_admin.email, "--name", "x"))
    run("token", "revoke", raw[:12])
    revoked_at = ApiToken.objects.get().revoked_at
    with pytest.raises(CommandError, match="already revoked"):
        run("token", "revoke", raw[:12])
    assert ApiToken.objects.get().revoked_at == revoked_at


def test_the_console_script_exits_non_zero_on_a_bad_email(db, capsys, monkeypatch):
    from trellis.cli import main

    # Django closes every connection when a command fails from the command line; keep the test's open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        main(["api", "token", "create", "nobody@example.org", "--name", "x"])
    assert exit_info.value.code != 0
    assert "nobody@example.org" in capsys.readouterr().err
