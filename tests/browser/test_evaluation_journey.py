"""Evaluation, moderation and award, end to end in the browser: two evaluators and a citizen commissioner score an
open tender's two bids on their own (one evaluator declares a conflict with one bidder and is recused), the
moderator sees a divergence side by side and records the consensus, makes the recommendation, a commissioner
approves the award, the procurement officer records the award steps (the contract award notice, a challenge that
suspends the award and its withdrawal, the exclusion checks, the contract and the contract details notice's due
date), and an unsuccessful bidder downloads its assessment summary. Every
page on the way passes the accessibility check.

The opened bids and the panel are set up with the services (the set-up pages have their own tests); the scoring and
everything after it happens in the browser."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import fill_date, sign_in, submit, visit
from trellis.evaluation.models import AwardDecision, ConsensusMark, ScoreSheet
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import NOW

pytestmark = pytest.mark.browser

MARKS = {  # (evaluator, bid) -> mark for every criterion they mark; on "theirs" B's 1 and the citizen's 4 diverge
    ("a", "mine"): "4",
    ("b", "mine"): "4",
    ("b", "theirs"): "1",
    ("citizen", "mine"): "5",
    ("citizen", "theirs"): "4",
}


def _as(page: Page, person, password: str) -> None:
    page.context.clear_cookies()
    sign_in(page, person.email, password)


def _declare(page: Page, evaluation, bid, *, conflict: str = "") -> None:
    visit(page, f"/evaluation/{evaluation.public_id}/bids/{bid.public_id}/declare/")
    if conflict:
        page.get_by_label("Yes, I have a conflict").check()
        page.get_by_label("What is the conflict of interest?").fill(conflict)
    else:
        page.get_by_label("No, I have no conflict").check()
    submit(page, page.get_by_role("button", name="Make your declaration"))


def _mark(page: Page, criteria, mark: str) -> None:
    for criterion in criteria:
        group = page.get_by_role("group", name=f"Your mark for “{criterion.name}”")
        group.get_by_label(re.compile(rf"^{mark}: ")).check()
        page.get_by_label(f"Your reason for this mark for “{criterion.name}”").fill(
            f"The answer on {criterion.name.lower()} earns a {mark}: it gives specific local evidence."
        )
    submit(page, page.get_by_role("button", name="Submit your marks"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your marks are submitted")


def test_scoring_moderation_award_and_assessment_summary(
    page: Page, password, scoring, two_bids, quality, user_involvement, evaluator_a, evaluator_b, citizen,
    procurement_officer, commissioner, other_provider_admin, clock,
):  # fmt: skip
    mine, theirs = two_bids
    bids = {"mine": mine, "theirs": theirs}
    opportunity = scoring.opportunity
    opportunity.kind = "open_tender"  # the fixtures' round, run as an above-threshold tender: a standstill applies
    opportunity.save(update_fields=["kind"])
    overview = f"/evaluation/{scoring.public_id}/"

    # Evaluator A: no conflict with the charity, a conflict with the other bidder — recused from its bid.
    _as(page, evaluator_a, password)
    visit(page, overview)
    _declare(page, scoring, mine)
    _mark(page, quality, MARKS[("a", "mine")])
    _declare(page, scoring, theirs, conflict="I was a trustee of Hollin Bank Carers' Centre until last year.")
    refused = page.goto(f"/evaluation/{scoring.public_id}/bids/{theirs.public_id}/")
    assert refused is not None and refused.status == 403
    expect(page.locator("main")).to_contain_text("declared a conflict of interest")

    # Evaluator B marks both bids; the citizen commissioner marks user involvement on both.
    for who, person, criteria in (("b", evaluator_b, quality), ("citizen", citizen, [user_involvement])):
        _as(page, person, password)
        visit(page, overview)
        for key, bid in bids.items():
            _declare(page, scoring, bid)
            expect(page.locator("main")).not_to_contain_text(evaluator_a.full_name)  # no colleagues' marks yet
            _mark(page, criteria, MARKS[(who, key)])
            if key == "mine":  # evaluator A marked it: now that this member has submitted, A's marks are shown
                expect(page.locator("main")).to_contain_text(evaluator_a.full_name)
    assert ScoreSheet.objects.filter(submitted_at__isnull=False).count() == 5

    # The moderator sees the marks side by side — on the other bidder's bid, B's 1 and the citizen's 4 for user
    # involvement are called out as diverging — and records the consensus for every criterion.
    _as(page, procurement_officer, password)
    for key, bid in bids.items():
        _declare(page, scoring, bid)
        visit(page, f"/evaluation/{scoring.public_id}/bids/{bid.public_id}/moderate/")
        if key == "theirs":
            expect(page.locator(f"#divergent-{user_involvement.pk}")).to_contain_text("Marks differ by more")
        for criterion in quality:
            section = page.locator(f"#criterion-{criterion.pk}")
            agreed = "3" if key == "theirs" else "4"
            section.get_by_role("group", name=f"Consensus mark for “{criterion.name}”").get_by_label(
                re.compile(rf"^{agreed}\b")
            ).check()
            section.get_by_label("Why the panel agreed this mark").fill(
                f"The panel agreed {agreed}: the answer meets the requirement with some evidence of local delivery."
            )
            submit(page, section.get_by_role("button", name=re.compile("Record the consensus mark")))
    assert ConsensusMark.objects.count() == 6

    visit(page, f"/evaluation/{scoring.public_id}/results/")
    expect(page.locator("main")).to_contain_text(mine.organisation.name)
    visit(page, f"/evaluation/{scoring.public_id}/recommend/")
    page.get_by_label(re.compile("^Recommend the top-ranked")).check()
    page.get_by_label("Why").fill("The charity's bid scored highest on quality and is within the budget.")
    submit(page, page.get_by_role("button", name="Make the recommendation"))

    # A commissioner who did not make the recommendation approves it: every bidder is sent its assessment summary.
    _as(page, commissioner, password)
    decision_page = f"/evaluation/{scoring.public_id}/decision/"
    visit(page, decision_page)
    page.get_by_label("I have no conflict of interest with any bidder in this evaluation.").check()
    submit(page, page.get_by_role("button", name="Approve the decision"))
    decision = AwardDecision.objects.get()
    assert decision.approved_by == commissioner and decision.standstill_last_day is None  # not until the notice
    expect(page.locator("#step-standstill")).to_contain_text("counted from the contract award notice")

    # The procurement officer records the award steps in order. The server's clock is the fixtures' NOW, Monday
    # 18 May 2026, and the contract award notice is published that day: counted by hand, 8 working days beginning
    # with it are Mon 18 to Fri 22 (days 1-5) and, after the weekend and the spring bank holiday on Mon 25 May (in
    # every part of the UK), Tue 26, Wed 27 and Thu 28 (days 6-8) (Procurement Act 2023 s.51(2), s.123).
    assert NOW.date() == date(2026, 5, 18)
    _as(page, procurement_officer, password)
    visit(page, decision_page)
    page.set_viewport_size({"width": 320, "height": 740})  # an officer on a phone: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})
    fill_date(page, "Date the notice was published", date(2026, 5, 18))
    submit(page, page.get_by_role("button", name="Record the notice"))
    expect(page.locator("#step-standstill")).to_contain_text("Thursday 28 May 2026")
    decision.refresh_from_db()
    assert decision.standstill_last_day == date(2026, 5, 28) and decision.standstill_kind == "mandatory"

    # The other bidder starts a claim and notifies the council during the standstill: the award is suspended.
    page.get_by_label("Who brought the claim").fill(theirs.organisation.name)
    fill_date(page, "Date the authority was notified of the claim", date(2026, 5, 18))
    page.get_by_label("What the claim says").fill("The marks for user involvement ignored our evidence.")
    submit(page, page.get_by_role("button", name="Record the challenge"))
    expect(page.locator("#state")).to_contain_text("Challenged: the contract is suspended")
    expect(page.get_by_role("button", name="Record that the contract is entered into")).to_have_count(0)
    expect(page.locator("#step-challenges")).to_contain_text("Suspends the contract")

    # The claim is withdrawn; the checks are recorded; once the standstill has ended the contract is entered into.
    page.get_by_label("The claim was withdrawn or settled").check()
    fill_date(page, "Date the suspension ended", date(2026, 5, 18))
    submit(page, page.get_by_role("button", name="Record the end of the suspension"))
    page.get_by_label(re.compile("^The mandatory and discretionary exclusion grounds were checked")).check()
    page.get_by_label(re.compile("^The debarment list was checked")).check()
    fill_date(page, "Date of the checks", date(2026, 5, 18))
    submit(page, page.get_by_role("button", name="Record the checks"))
    clock.move_to(datetime(2026, 5, 28, 10, tzinfo=UTC))  # the standstill's last day
    fill_date(page, "Date the contract was entered into", date(2026, 5, 28))
    submit(page, page.get_by_role("button", name="Record that the contract is entered into"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("during the standstill")
    clock.move_to(datetime(2026, 6, 1, 10, tzinfo=UTC))  # two weeks on: the sign-in has expired, so sign in again
    _as(page, procurement_officer, password)
    visit(page, decision_page)
    fill_date(page, "Date the contract was entered into", date(2026, 6, 1))
    submit(page, page.get_by_role("button", name="Record that the contract is entered into"))
    # s.53(2)(a): 30 days beginning with Monday 1 June 2026 end on Tuesday 30 June 2026
    expect(page.locator("#step-notice-due")).to_contain_text("Tuesday 30 June 2026")
    expect(page.locator("#state")).to_contain_text("Contract entered into")

    # The other bidder reads its assessment summary and downloads the PDF.
    _as(page, other_provider_admin, password)
    visit(page, f"/bids/{theirs.public_id}/")
    submit(page, page.get_by_role("link", name="Your assessment summary"))
    expect(page.locator("main")).to_contain_text("not been successful")
    expect(page.locator("main")).to_contain_text("The panel agreed 3")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download this")).click()
    path = download.value.path()
    assert path is not None and Path(path).read_bytes()[:4] == b"%PDF"
