"""Signing in (password, e-mailed code, two-factor) and the GOV.UK look of every django-allauth page."""

import re
import time
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from trellis.core.models import Person

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts attempts in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


class Page(HTMLParser):
    """What the accessibility checks need from a page: headings, the title, fields and their labels."""

    def __init__(self, html: str):
        super().__init__()
        self.h1 = 0
        self.title = ""
        self._in_title = False
        self.labels_for: set[str] = set()
        self.fields: list[dict] = []
        self.error_summary = False
        self.stylesheet = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "label" and a.get("for"):
            self.labels_for.add(a["for"])
        elif tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit", "button"}:
            self.fields.append(a)
        elif tag == "link" and a.get("rel") == "stylesheet" and "trellis.css" in a.get("href", ""):
            self.stylesheet = True
        if "govuk-error-summary" in (a.get("class") or "").split():
            self.error_summary = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def unlabelled(self) -> list[dict]:
        return [f for f in self.fields if not (f.get("id") in self.labels_for or f.get("aria-label"))]


def assert_govuk_page(response) -> Page:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    html = response.content.decode()
    page = Page(html)
    assert page.h1 == 1, "one <h1> per page"
    assert page.title.strip().endswith("– Trellis"), page.title
    assert page.stylesheet, "rendered with our base template"
    assert page.unlabelled() == [], "every field has a label"
    for field in page.fields:
        if field.get("class"):
            assert "govuk-" in field["class"], field
    assert "style=" not in html, "no inline styles (CSP)"
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\")=?)", html), "no inline scripts (CSP)"
    return page


def sign_in(client, person, password):
    response = client.post(LOGIN, {"login": person.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def signed_in_as(client) -> Person | None:
    pk = client.session.get("_auth_user_id")
    return Person.objects.get(pk=pk) if pk else None


# --- Password sign-in ----------------------------------------------------------------------------------------------


def test_password_sign_in_takes_a_person_to_their_account(client, provider_admin, password):
    response = sign_in(client, provider_admin, password)
    assert response["Location"] == "/account/"
    assert signed_in_as(client) == provider_admin


def test_email_is_not_case_sensitive_at_sign_in(client, commissioner, password):
    response = client.post(LOGIN, {"login": commissioner.email.upper(), "password": password})
    assert response.status_code == 302
    assert signed_in_as(client) == commissioner


def test_wrong_password_shows_an_error_summary_and_does_not_sign_in(client, provider_admin):
    response = client.post(LOGIN, {"login": provider_admin.email, "password": "not-the-password"})
    page = assert_govuk_page(response)
    assert page.error_summary
    assert page.title.strip().startswith("Error: Sign in")
    assert "There is a problem" in response.content.decode()
    assert signed_in_as(client) is None


def test_empty_form_names_each_missing_field(client, db):
    response = client.post(LOGIN, {"login": "", "password": ""})
    html = response.content.decode()
    assert assert_govuk_page(response).error_summary
    assert 'href="#id_login"' in html and 'href="#id_password"' in html
    assert "govuk-input--error" in html and 'aria-invalid="true"' in html
    assert "Enter your e-mail address" in html and "Enter your password" in html
    assert "This field is required" not in html


def test_login_page_offers_a_code_to_residents(client, db):
    response = client.get(LOGIN)
    assert_govuk_page(response)
    html = response.content.decode()
    assert "Sign in with a code sent to your e-mail (no password needed)" in html
    assert 'href="/accounts/login/code/"' in html
    assert "Forgotten your password?" in html


def test_failed_sign_ins_are_rate_limited(client, provider_admin, password):
    assert "login_failed" in settings.ACCOUNT_RATE_LIMITS
    for _ in range(5):
        response = client.post(LOGIN, {"login": provider_admin.email, "password": "wrong-password-1"})
        assert response.status_code == 200
        assert "Too many failed" not in response.content.decode()
    response = client.post(LOGIN, {"login": provider_admin.email, "password": password})
    assert response.status_code in (200, 429)
    assert "Too many failed" in response.content.decode()
    assert signed_in_as(client) is None


# --- Sign-in with an e-mailed code (residents) -------------------------------------------------------------------


def request_code(client, email: str) -> str:
    response = client.post("/accounts/login/code/", {"email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("/accounts/login/code/confirm/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    assert message.subject.startswith("[Trellis]")
    match = re.search(r"^\s*([A-Z0-9-]{4,12})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


def test_resident_signs_in_with_a_code_from_their_email(client, resident):
    code = request_code(client, resident.email)
    confirm = client.get("/accounts/login/code/confirm/")
    page = assert_govuk_page(confirm)
    assert resident.email in confirm.content.decode()
    assert [f.get("name") for f in page.fields] == ["code"]
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert signed_in_as(client) == resident


def test_a_wrong_code_is_an_error_and_does_not_sign_in(client, resident):
    code = request_code(client, resident.email)
    wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
    response = client.post("/accounts/login/code/confirm/", {"code": wrong})
    assert assert_govuk_page(response).error_summary
    assert signed_in_as(client) is None


def test_request_code_page_asks_only_for_an_email(client, db):
    page = assert_govuk_page(client.get("/accounts/login/code/"))
    assert [(f.get("name"), f.get("type")) for f in page.fields] == [("email", "email")]


def test_request_code_with_a_bad_address_shows_an_error(client, db):
    response = client.post("/accounts/login/code/", {"email": "not an address"})
    assert assert_govuk_page(response).error_summary
    assert mail.outbox == []


# --- Two-factor authentication -----------------------------------------------------------------------------------


def reauthenticate(client, password) -> None:
    """Adding an authenticator asks for the password again, however recently the person signed in."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]


def current_totp(secret: str) -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def test_totp_activation_page_renders_for_a_signed_in_person(client, commissioner, password):
    sign_in(client, commissioner, password)
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    reauthenticate(client, password)
    response = client.get("/accounts/2fa/totp/activate/")
    page = assert_govuk_page(response)
    html = response.content.decode()
    assert "data:image/svg+xml" in html  # the QR code
    assert {"authenticator_secret", "id_code"} <= {f.get("id") for f in page.fields}


def test_activating_totp_then_signing_in_needs_the_code(client, commissioner, password):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.create(user=commissioner, email=commissioner.email, verified=True, primary=True)
    sign_in(client, commissioner, password)
    reauthenticate(client, password)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=commissioner, type="totp").exists()
    index = client.get("/accounts/2fa/")
    assert_govuk_page(index)
    assert "Turn off the authenticator app" in index.content.decode()
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert_govuk_page(codes)
    assert 'id="recovery_codes"' in codes.content.decode()
    assert_govuk_page(client.get("/accounts/2fa/recovery-codes/generate/"))
    assert_govuk_page(client.get("/accounts/2fa/totp/deactivate/"))

    client.logout()
    response = client.post(LOGIN, {"login": commissioner.email, "password": password})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert signed_in_as(client) is None
    assert_govuk_page(client.get("/accounts/2fa/authenticate/"))
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    if signed_in_as(client) is None:  # (000000 could, once in a million, be the right code)
        assert assert_govuk_page(wrong).error_summary
    client.post("/accounts/2fa/authenticate/", {"code": current_totp(secret)})
    assert signed_in_as(client) == commissioner


def test_totp_needs_a_confirmed_email_address_first(client, commissioner, password):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=commissioner, email=commissioner.email, verified=False, primary=True)
    sign_in(client, commissioner, password)
    reauthenticate(client, password)
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/2fa/"
    assert_govuk_page(response)
    assert "until you have verified your email address" in response.content.decode()


def test_totp_activation_with_a_wrong_code_is_refused(client, commissioner, password):
    from allauth.mfa.models import Authenticator

    sign_in(client, commissioner, password)
    reauthenticate(client, password)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    good = current_totp(secret)
    response = client.post("/accounts/2fa/totp/activate/", {"code": "999999" if good != "999999" else "111111"})
    assert assert_govuk_page(response).error_summary
    assert not Authenticator.objects.filter(user=commissioner).exists()


# --- Every allauth page in our layout ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/login/code/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-bad-key/",
        "/accounts/inactive/",
        "/accounts/confirm-email/",
    ],
)
def test_signed_out_pages_render_in_our_layout(client, db, url):
    response = client.get(url, follow=True)
    assert_govuk_page(response)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/password/set/",
        "/accounts/reauthenticate/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/reauthenticate/",
    ],
)
def test_signed_in_pages_render_in_our_layout(client, provider_admin, password, url):
    sign_in(client, provider_admin, password)
    response = client.get(url, follow=True)
    assert_govuk_page(response)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/login/code/",
        "/accounts/login/code/confirm/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-bad-key/",
        "/accounts/password/reset/key/done/",
        "/accounts/inactive/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/bad-key/",
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/password/set/",
        "/accounts/reauthenticate/",
        "/accounts/2fa/",
        "/accounts/2fa/authenticate/",
        "/accounts/2fa/reauthenticate/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/recovery-codes/download/",
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_no_allauth_page_fails(client, provider_admin, password, url, signed_in):
    """Whoever asks, each page answers with a page or a redirect, never a server error."""
    if signed_in:
        sign_in(client, provider_admin, password)
    response = client.get(url)
    assert response.status_code in (200, 302, 404), response.status_code


def test_signup_errors_are_summarised(client, db):
    response = client.post("/accounts/signup/", {"email": "new@example.org", "password1": "short", "password2": "x"})
    page = assert_govuk_page(response)
    assert page.error_summary
    assert not Person.objects.filter(email="new@example.org").exists()


def test_password_change_works_with_govuk_form(client, provider_admin, password):
    sign_in(client, provider_admin, password)
    bad = client.post(
        "/accounts/password/change/", {"oldpassword": "wrong", "password1": "x", "password2": "y"}, follow=True
    )
    assert assert_govuk_page(bad).error_summary
    provider_admin.refresh_from_db()
    assert provider_admin.check_password(password)
    new = "a-much-longer-new-passphrase-42"
    response = client.post("/accounts/password/change/", {"oldpassword": password, "password1": new, "password2": new})
    assert response.status_code == 302
    provider_admin.refresh_from_db()
    assert provider_admin.check_password(new)


def test_sign_out_needs_a_post(client, provider_admin, password):
    sign_in(client, provider_admin, password)
    assert_govuk_page(client.get("/accounts/logout/"))
    assert signed_in_as(client) == provider_admin
    client.post("/accounts/logout/")
    assert signed_in_as(client) is None
