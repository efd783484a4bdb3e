"""A small charity's provider admin keeps their organisation's profile and evidence up to date."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in, submit
from trellis.core.domain.roles import Role
from trellis.core.models import Membership
from trellis.demo.pdf import simple_pdf
from trellis.organisations.models import (
    Consortium,
    EvidenceDocument,
    EvidenceStatus,
    Organisation,
    PartnerInterest,
    PartnerRequest,
)

pytestmark = pytest.mark.browser

NEW_DESCRIPTION = (
    "A membership pantry for families on low incomes: fresh food, money advice and a weekly cook-and-eat session."
)


def _their_organisation(email: str) -> Organisation:
    return Membership.objects.get(person__email=email, role=Role.PROVIDER_ADMIN).organisation


def test_provider_admin_edits_the_profile_and_uploads_evidence(
    page: Page, demo_place, demo_email, demo_password
) -> None:
    email = demo_email("Provider admin")
    org = _their_organisation(email)
    new_volunteers = (org.volunteer_count or 0) + 7
    ward = org.place.wards.exclude(pk__in=org.wards.all()).order_by("name").first()
    assert ward is not None, "the demo organisation should have a ward it does not yet work in"
    wards_before = set(org.wards.values_list("name", flat=True))

    sign_in(page, email, demo_password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    # Their organisation, from the roles on their account page.
    submit(page, page.get_by_role("link", name=org.name, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(org.name)

    # Edit the profile: description, volunteers, one more ward.
    submit(page, page.get_by_role("link", name=f"Edit this profile of {org.name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    page.get_by_label("What your organisation does").fill(NEW_DESCRIPTION)
    page.get_by_label(re.compile(r"^Volunteers")).fill(str(new_volunteers))
    ward_box = page.get_by_role("group", name="Wards you work in").get_by_label(ward.name, exact=True)
    expect(ward_box).not_to_be_checked()
    ward_box.check()
    submit(page, page.get_by_role("button", name="Save changes"))

    # Back on the public page, with a success banner and the new values.
    expect(page.get_by_role("heading", level=1)).to_have_text(org.name)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("profile has been updated")
    main = page.locator("main")
    expect(main).to_contain_text(NEW_DESCRIPTION)
    expect(main).to_contain_text(str(new_volunteers))
    expect(main).to_contain_text(ward.name)

    org.refresh_from_db()
    assert org.description == NEW_DESCRIPTION
    assert org.volunteer_count == new_volunteers
    assert set(org.wards.values_list("name", flat=True)) == wards_before | {ward.name}

    # Evidence: upload a real PDF with its kind, title and expiry date.
    submit(page, page.get_by_role("link", name=f"Accreditation evidence for {org.name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence and accreditation")
    documents_before = EvidenceDocument.objects.filter(organisation=org).count()
    expiry = date(timezone.localdate().year + 1, 3, 31)  # the server's date, as the evidence rules read it
    title = "Employers' liability insurance 2026 to 2027"
    pdf = simple_pdf([title, f"Insured: {org.name}", f"Valid until {expiry:%d %B %Y}"])

    page.get_by_label("What kind of document is it?").select_option(label="Employers' liability insurance certificate")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Day").fill(str(expiry.day))
    page.get_by_label("Month").fill(str(expiry.month))
    page.get_by_label("Year").fill(str(expiry.year))
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "employers-liability.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    submit(page, page.get_by_role("button", name="Upload document"))

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been uploaded")
    row = page.get_by_role("row").filter(has_text="Employers' liability insurance certificate")
    expect(row).to_contain_text("Awaiting verification")
    expect(row).to_contain_text(title)

    doc = EvidenceDocument.objects.get(organisation=org, title=title)
    assert doc.kind == "employers_liability_insurance"
    assert doc.status == EvidenceStatus.PENDING
    assert doc.expires_on == expiry
    assert doc.content_type == "application/pdf"
    assert doc.file.read() == pdf
    assert EvidenceDocument.objects.filter(organisation=org).count() == documents_before + 1

    # A program renamed policy.pdf is refused: the error summary says why, and nothing is stored.
    documents_before = list(EvidenceDocument.objects.filter(organisation=org).values_list("pk", "superseded_at"))
    disguised_title = "Safeguarding policy (revised)"
    page.get_by_label("What kind of document is it?").select_option(label="Safeguarding policy")
    page.get_by_label("Title", exact=True).fill(disguised_title)
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "policy.pdf", "mimeType": "application/pdf", "buffer": b"\x7fELF" + bytes(100)}]
    )
    submit(page, page.get_by_role("button", name="Upload document"))

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("not a document")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#main-content .govuk-error-message")).to_contain_text("not a document")
    summary.get_by_role("link", name=re.compile("not a document")).click()
    expect(page.get_by_label("Upload a file")).to_be_focused()
    expect(page.locator("main")).not_to_contain_text(disguised_title)  # listed nowhere on the page

    assert not EvidenceDocument.objects.filter(organisation=org, title=disguised_title).exists()
    after = list(EvidenceDocument.objects.filter(organisation=org).values_list("pk", "superseded_at"))
    assert after == documents_before, "a refused upload must not add or replace any document"


def test_provider_admin_replies_to_a_partner_request_and_sets_up_a_consortium(
    page: Page, demo_place, demo_email, demo_password
) -> None:
    email = demo_email("Provider admin")
    org = _their_organisation(email)
    request = (
        PartnerRequest.objects.filter(is_open=True)
        .exclude(organisation=org)
        .exclude(interests__organisation=org)
        .order_by("title")
        .first()
    )
    assert request is not None, "the demo place should have an open partner request the pantry has not answered"
    partner = (
        Organisation.objects.filter(is_active=True, is_consortium=False).exclude(pk=org.pk).order_by("name").first()
    )
    consortium_name = "Brook Lane Food and Advice Partnership"

    sign_in(page, email, demo_password)
    submit(page, page.get_by_role("link", name="Partner finder"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner finder")

    # Reply to another organisation's request.
    submit(page, page.get_by_role("link", name=request.title, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(request.title)
    message = "We run a weekly pantry in Brookfield and Ashworth and could host sessions there."
    page.get_by_label("What would your organisation bring?").fill(message)
    submit(page, page.get_by_role("button", name="Send your reply"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your reply has been sent")
    expect(page.locator("main")).to_contain_text(message)
    assert PartnerInterest.objects.get(request=request, organisation=org).message == message

    # Set up a consortium: first with shares that do not add up (refused, nothing created), then properly.
    submit(page, page.get_by_role("link", name="Consortia", exact=True))
    submit(page, page.get_by_role("link", name="Set up a consortium"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a consortium")
    page.get_by_label("Name of the consortium").fill(consortium_name)
    page.get_by_label("What the consortium does").fill("Food, money advice and cooking skills on Brook Lane.")
    page.get_by_label("One member leads and holds the contract").check()
    rows = [(org, "Runs the pantry and holds the contract", "60"), (partner, "Delivers advice sessions", "30")]
    for i, (member, role, share) in enumerate(rows, start=1):
        page.get_by_label(f"Organisation of member {i}").select_option(label=f"{member.name} ({member.org_id})")
        page.get_by_label(f"Role of member {i}").fill(role)
        page.get_by_label(f"Share (%) of member {i}").fill(share)
    submit(page, page.get_by_role("button", name="Set up the consortium"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("add up to 100%")
    assert not Consortium.objects.filter(organisation__name=consortium_name).exists()

    page.get_by_label("Share (%) of member 2").fill("40")
    submit(page, page.get_by_role("button", name="Set up the consortium"))
    expect(page.get_by_role("heading", level=1)).to_have_text(consortium_name)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("listed in the directory")

    consortium = Consortium.objects.get(organisation__name=consortium_name)
    assert consortium.lead == org
    assert sorted((m.organisation.name, m.share_pct) for m in consortium.members.all()) == sorted(
        [(org.name, 60), (partner.name, 40)]
    )
