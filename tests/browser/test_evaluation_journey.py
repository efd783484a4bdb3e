"""Evaluation, moderation and award, end to end in the browser: two evaluators and a citizen commissioner score an
open tender's two bids on their own (one evaluator declares a conflict with one bidder and is recused), the
moderator sees a divergence side by side and records the consensus, makes the recommendation, a commissioner
approves the award and the standstill starts, and an unsuccessful bidder downloads its assessment summary. Every
page on the way passes the accessibility check.

The opened bids and the panel are set up with the services (the set-up pages have their own tests); the scoring and
everything after it happens in the browser."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in, submit, visit
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
    procurement_officer, commissioner, other_provider_admin,
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

    # A commissioner who did not make the recommendation approves it; the standstill starts.
    _as(page, commissioner, password)
    visit(page, f"/evaluation/{scoring.public_id}/decision/")
    page.get_by_label("I have no conflict of interest with any bidder in this evaluation.").check()
    submit(page, page.get_by_role("button", name="Approve the decision"))
    # The server's clock is the fixtures' NOW: the decision is published on Monday 18 May 2026. Counted by hand, that
    # day is day 1 of the 8 working days: Mon 18, Tue 19, Wed 20, Thu 21, Fri 22 (days 1-5); Sat 23 and Sun 24 are
    # the weekend and Mon 25 May is the spring bank holiday; Tue 26, Wed 27, Thu 28 (days 6-8).
    assert NOW.date() == date(2026, 5, 18)
    decision = AwardDecision.objects.get()
    assert decision.approved_by == commissioner and decision.standstill_last_day == date(2026, 5, 28)
    expect(page.locator("#standstill + p")).to_contain_text("Thursday 28 May 2026")

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
