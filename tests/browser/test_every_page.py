"""Every page a person can reach passes the accessibility check, signed out and in each main role.

The journeys check the pages on their path; this walks the rest (including error pages) and
reports every problem it finds in one go, page by page, so one run shows all there is to fix.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import check_a11y, sign_in, submit
from trellis.core.domain.roles import Role
from trellis.core.models import Membership
from trellis.organisations import selectors
from trellis.organisations.models import Consortium, PartnerRequest

pytestmark = pytest.mark.browser


def _check_all(page: Page, paths: list[tuple[str, int]]) -> list[str]:
    problems = []
    for path, status in paths:
        response = page.goto(path, wait_until="load")
        if response is None or response.status != status:
            problems.append(f"{path}: expected HTTP {status}, got {response.status if response else 'nothing'}")
            continue
        try:
            check_a11y(page)
        except AssertionError as exc:
            problems.append(str(exc))
    return problems


def _public_paths() -> list[tuple[str, int]]:
    org = selectors.organisation_by_org_id(
        Membership.objects.filter(role=Role.PROVIDER_ADMIN).first().organisation.org_id
    )
    consortium = Consortium.objects.select_related("organisation").first()
    request = PartnerRequest.objects.filter(is_open=True).first()
    return [
        ("/", 200),
        ("/directory/", 200),
        ("/directory/?q=food&sort=-size", 200),
        ("/directory/?q=zzzzzz-nothing", 200),
        (f"/directory/{org.slug}/", 200),
        (f"/directory/{consortium.organisation.slug}/", 200),
        ("/places/profile/", 200),
        ("/directory/partners/", 200),
        (f"/directory/partners/{request.public_id}/", 200),
        ("/directory/consortia/", 200),
        ("/bids/full-cost/", 200),
        ("/accessibility/", 200),
        ("/accounts/login/", 200),
        ("/accounts/login/code/", 200),
        ("/accounts/password/reset/", 200),
        ("/directory/no-such-organisation/", 404),
        ("/no/such/page/", 404),
    ]


def test_every_public_page_is_accessible(page: Page, demo_place) -> None:
    problems = _check_all(page, _public_paths())
    assert not problems, "\n\n".join(problems)


def test_every_provider_page_is_accessible(page: Page, demo_place, demo_email, demo_password) -> None:
    email = demo_email("Provider admin")
    org = Membership.objects.get(person__email=email, role=Role.PROVIDER_ADMIN).organisation
    sign_in(page, email, demo_password)
    paths = [
        ("/account/", 200),
        ("/inbox/", 200),
        (f"/directory/{org.slug}/", 200),
        (f"/directory/{org.slug}/edit/", 200),
        (f"/directory/{org.slug}/evidence/", 200),
        (f"/directory/{org.slug}/members/", 200),
        ("/directory/partners/new/", 200),
        ("/directory/consortia/new/", 200),
        ("/bids/mine/", 200),
        ("/opportunities/", 200),
        ("/opportunities/alerts/", 200),
        ("/accounts/2fa/", 200),
        ("/accounts/password/change/", 200),
        ("/accounts/email/", 200),
        ("/directory/verify/", 403),
        ("/directory/import/", 403),
    ]
    problems = _check_all(page, paths)
    assert not problems, "\n\n".join(problems)


def test_every_commissioner_page_is_accessible(page: Page, demo_place, demo_email, demo_password) -> None:
    sign_in(page, demo_email("Commissioner"), demo_password)
    waiting = selectors.evidence_awaiting_verification().first()
    org = Membership.objects.filter(role=Role.PROVIDER_ADMIN).first().organisation
    paths = [
        ("/account/", 200),
        ("/directory/?ward=E05099001&tier=1", 200),
        (f"/directory/{org.slug}/", 200),
        (f"/directory/{org.slug}/evidence/", 200),
        ("/directory/verify/", 200),
        (f"/directory/verify/{waiting.public_id}/", 200),
        ("/directory/import/", 200),
        ("/places/profile/", 200),
    ]
    problems = _check_all(page, paths)
    assert not problems, "\n\n".join(problems)


def test_every_evaluation_page_is_accessible(page: Page, demo_place, demo_email, demo_password) -> None:
    """The demo's evaluations as the procurement officer (the Family Hubs moderator) and a commissioner see them:
    awaiting moderation, decided with summaries, and in its standstill."""
    from trellis.bids.models import Bid
    from trellis.evaluation.models import Evaluation

    by_title = {e.opportunity.title: e for e in Evaluation.objects.select_related("opportunity")}
    family = next(e for title, e in by_title.items() if title.startswith("Family Hubs"))
    hubs = next(e for title, e in by_title.items() if title.startswith("Community hubs"))
    transport = next(e for title, e in by_title.items() if title.startswith("Accessible door-to-door"))
    bid = Bid.objects.filter(opportunity=family.opportunity, status="submitted").order_by("id").first()
    summary_bid = Bid.objects.filter(opportunity=hubs.opportunity, status="submitted").order_by("id").first()
    problems = []
    for role, paths in (
        (
            "Procurement officer",
            [
                (f"/evaluation/{family.public_id}/", 200),
                (f"/evaluation/{family.public_id}/rules/", 200),
                (f"/evaluation/{family.public_id}/panel/", 200),
                (f"/evaluation/{family.public_id}/results/", 200),
                (f"/evaluation/{family.public_id}/recommend/", 200),
                (f"/evaluation/{family.public_id}/bids/{bid.public_id}/declare/", 200),
                (f"/evaluation/{family.public_id}/bids/{bid.public_id}/moderate/", 200),
            ],
        ),
        (
            "Commissioner",
            [
                (f"/evaluation/{hubs.public_id}/", 200),
                (f"/evaluation/{hubs.public_id}/results/", 200),
                (f"/evaluation/{transport.public_id}/decision/", 200),
                (f"/evaluation/summary/{summary_bid.public_id}/", 200),
            ],
        ),
    ):
        page.context.clear_cookies()
        sign_in(page, demo_email(role), demo_password)
        problems += _check_all(page, paths)
    assert not problems, "\n\n".join(problems)


def _submit_with_errors(page: Page, path: str, button: str, fill: dict[str, str] | None = None) -> list[str]:
    """Open a form, send it incomplete: the page must answer with an accessible error summary."""
    page.goto(path, wait_until="load")
    for label, value in (fill or {}).items():
        page.get_by_label(label, exact=True).fill(value)
    try:
        submit(page, page.get_by_role("button", name=button, exact=True))
        summary = page.locator(".govuk-error-summary")
        assert summary.count() == 1, f"{path}: no error summary after sending the form incomplete"
        assert page.title().startswith("Error: "), f"{path}: the title does not start with 'Error: '"
    except AssertionError as exc:
        return [str(exc)]
    return []


def test_every_form_shows_accessible_errors(page: Page, demo_place, demo_email, demo_password) -> None:
    email = demo_email("Provider admin")
    org = Membership.objects.get(person__email=email, role=Role.PROVIDER_ADMIN).organisation
    request = PartnerRequest.objects.filter(is_open=True).exclude(organisation=org).first()
    problems = [
        *_submit_with_errors(page, "/accounts/login/", "Sign in", {"E-mail address": email}),
        *_submit_with_errors(page, "/accounts/login/code/", "Send me a code"),
    ]
    sign_in(page, email, demo_password)
    problems += [
        *_submit_with_errors(page, f"/directory/{org.slug}/edit/", "Save changes", {"Volunteers (optional)": "lots"}),
        *_submit_with_errors(page, f"/directory/{org.slug}/evidence/", "Upload document"),
        *_submit_with_errors(page, f"/directory/{org.slug}/members/", "Add person"),
        *_submit_with_errors(page, "/directory/partners/new/", "Post the request"),
        *_submit_with_errors(page, f"/directory/partners/{request.public_id}/", "Send your reply"),
        *_submit_with_errors(page, "/directory/consortia/new/", "Set up the consortium"),
        *_submit_with_errors(page, "/accounts/password/change/", "Change password"),
    ]
    page.context.clear_cookies()
    sign_in(page, demo_email("Commissioner"), demo_password)
    waiting = selectors.evidence_awaiting_verification().first()
    problems += [
        *_submit_with_errors(page, f"/directory/verify/{waiting.public_id}/", "Save decision"),
        *_submit_with_errors(page, "/directory/import/", "Check the file"),
    ]
    assert not problems, "\n\n".join(problems)


def test_the_menu_marks_only_the_section_you_are_in(page: Page, demo_place, demo_email, demo_password) -> None:
    """Sections nest under /directory/: on the partner finder only "Partner finder" is current."""
    sign_in(page, demo_email("Commissioner"), demo_password)
    expected = {
        "/directory/": "Provider directory",
        "/directory/partners/": "Partner finder",
        "/directory/consortia/": "Consortia",
        "/directory/verify/": "Evidence to verify",
        "/directory/import/": "Import",
        "/places/profile/": "Local sector profile",
        "/account/": "Your account",
    }
    problems = []
    for path, label in expected.items():
        page.goto(path, wait_until="load")
        current = page.locator(".govuk-service-navigation [aria-current]").all_inner_texts()
        if [c.strip() for c in current] != [label]:
            problems.append(f"{path}: the menu marks {current} as current, not just {label!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("<h1>Form</h1><input type='text' name='q'>", "label"),
        ("<h1>Low contrast</h1><p style='color:#bbb;background:#fff'>Faint words</p>", "color-contrast"),
        ("<h1>Hint</h1><label for='a'>Name</label><input id='a' aria-describedby='a-hint'>", "do not exist"),
        ("<h1>One</h1><h1>Two</h1>", "exactly one"),
    ],
)
def test_the_check_catches_what_it_should(page: Page, body: str, complaint: str) -> None:
    """The check is not vacuous: a page with a known fault fails it, naming the fault."""
    head = "<head><title>Test – Trellis</title></head>"
    page.set_content(f"<!DOCTYPE html><html lang='en-GB'>{head}<body><main>{body}</main></body></html>")
    with pytest.raises(AssertionError, match=complaint):
        check_a11y(page)
