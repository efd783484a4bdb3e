#!/usr/bin/env python
"""Screenshots of Trellis's key pages for the user guides (docs/images/*.png).

It starts nothing itself: point it at a running demo (`make run`, which serves the Northbridge
demo place on http://127.0.0.1:8000), and it signs in as the demo people, opens each page in
headless Chromium and saves a PNG. Desktop shots are 1280 pixels wide; one is taken on a
390-pixel-wide phone screen.

    .venv/bin/python scripts/screenshots.py                       # every shot, into docs/images/
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8765 --only directory evidence

Images are reduced to a 256-colour palette (the pages are flat colours) so each stays small.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Shot:
    name: str  # file name without .png
    who: str | None  # demo role label to sign in as ("Commissioner", "Provider admin"), or None
    open: Callable  # open(page, people) -> None: go to the page and get it ready
    height: int = 1100  # the shot's height: the page is cut off below this
    viewport: dict | None = None
    start: str = ""  # a CSS selector: the shot starts just above it (the top of the page when empty)


def _go(path: str) -> Callable:
    def go(page, people) -> None:
        _goto(page, path)

    return go


def _goto(page, path: str) -> None:
    response = page.goto(path, wait_until="load")
    if response is None or response.status >= 400:
        raise RuntimeError(f"{path} answered {response.status if response else 'nothing'}")


def _own_organisation(page) -> str:
    """The path of the signed-in person's organisation, from the roles on their account page."""
    _goto(page, "/account/")
    return page.locator("main table a").first.get_attribute("href")


def _organisation(page, people) -> None:
    _goto(page, _own_organisation(page))


def _edit(page, people) -> None:
    _goto(page, _own_organisation(page) + "edit/")


def _evidence(page, people) -> None:
    _goto(page, _own_organisation(page) + "evidence/")


def _members(page, people) -> None:
    _goto(page, _own_organisation(page) + "members/")


def _directory_filtered(page, people) -> None:
    _goto(page, "/directory/?q=food")
    first_ward = page.locator("input[name=ward]").first.get_attribute("value")
    _goto(page, f"/directory/?q=food&ward={first_ward}")


def _provider_page(page, people) -> None:
    """A provider's page as a commissioner sees it (with the private contact panel)."""
    _goto(page, "/directory/?q=food")
    _goto(page, page.locator(".trellis-results__item h3 a").first.get_attribute("href"))


def _verify_document(page, people) -> None:
    _goto(page, "/directory/verify/")
    link = page.locator("main table a", has_text="Check").first
    _goto(page, link.get_attribute("href"))


def _partner_request(page, people) -> None:
    _goto(page, "/directory/partners/")
    _goto(page, page.locator("main a[href*='/directory/partners/'][href$='/']").last.get_attribute("href"))


def _route_answers(page, *, until: str = "") -> None:
    """Answer the route advisor's questions for a befriending service, stopping at the page ``until``."""
    _goto(page, "/routes/questions/need/")
    steps = [
        (
            "need",
            lambda: (
                page.fill("#id_need_title", "Befriending for isolated older people"),
                page.fill("#id_need_description", "Weekly visits and calls for people over 75 who live alone."),
                page.check("input[name=service_types][value=befriending]"),
                page.locator("input[name=wards]").first.check(),
            ),
        ),
        ("purpose", lambda: page.check("input[name=purpose][value=buy_service]")),
        ("category", lambda: page.check("input[name=service_category][value=light_touch]")),
        ("authority", lambda: page.check("input[name=authority_class][value=sub_central]")),
        ("value", lambda: (page.fill("#id_estimated_value_gbp", "950000"), page.fill("#id_duration_months", "36"))),
        (
            "start",
            lambda: (
                page.fill("#id_procurement_start_day", "1"),
                page.fill("#id_procurement_start_month", "4"),
                page.fill("#id_procurement_start_year", "2026"),
            ),
        ),
        ("providers", lambda: None),  # filled in from the directory
        ("incumbent", lambda: page.check("input[name=incumbent_scenario][value='0']")),
        ("codesign", lambda: (page.check("#id_needs_codesign_0"), page.check("#id_innovation_1"))),
        ("other-authorities", lambda: (page.check("input[value=none]"), page.check("#id_existing_framework_1"))),
        (
            "urgency",
            lambda: (page.check("input[name=urgency][value=normal]"), page.check("input[name=risk][value=medium]")),
        ),
        ("direct-award", lambda: page.check("#id_direct_award_justification_0")),
    ]
    for slug, answer in steps:
        if slug == until:
            return
        if f"/routes/questions/{slug}/" not in page.url:
            raise RuntimeError(f"Expected the {slug} question, got {page.url}")
        answer()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def _route_question(page, people) -> None:
    _route_answers(page, until="providers")


def _route_result(page, people) -> None:
    _route_answers(page)
    _goto(page, "/routes/result/")


def _route_decision(page, people) -> None:
    _route_result(page, people)
    _goto(page, "/routes/save/")
    with page.expect_navigation():
        page.get_by_role("button", name="Save decision").click()


def _open_opportunity(page, people) -> None:
    """The first opportunity open for bids, as a signed-in provider sees it."""
    _goto(page, "/opportunities/?status=open")
    _goto(page, page.locator(".trellis-results__item h3 a").first.get_attribute("href"))


def _manage_draft(page, people) -> None:
    """A draft's overview with its status panel, as a commissioner sees it."""
    _goto(page, "/opportunities/manage/")
    row = page.locator("main table tbody tr", has_text="Draft").first
    _goto(page, row.locator("a").first.get_attribute("href"))


HUBS = "Community hubs: three-year grants for neighbourhood groups"
FAMILY_HUBS = "Family Hubs early help service"
TRANSPORT = "Accessible door-to-door transport (dial-a-ride)"


def _evaluation(title: str):
    """The demo's evaluation of the opportunity called ``title`` (the script reads the demo's own database)."""
    from trellis.evaluation.models import Evaluation

    return Evaluation.objects.select_related("opportunity").get(opportunity__title=title)


def _evaluation_page(title: str, rest: str = "") -> Callable:
    def go(page, people) -> None:
        _goto(page, f"/evaluation/{_evaluation(title).public_id}/{rest}")

    return go


def _marked_bid(page, people) -> None:
    """A Family Hubs bid as the evaluator who marked it sees it: the bid, their marks and their colleagues'."""
    from trellis.evaluation.models import ScoreSheet

    evaluation = _evaluation(FAMILY_HUBS)
    sheet = ScoreSheet.objects.filter(
        member__evaluation=evaluation, member__person__email=people["Evaluator"], submitted_at__isnull=False
    ).select_related("bid")[0]
    _goto(page, f"/evaluation/{evaluation.public_id}/bids/{sheet.bid.public_id}/#your-marks")


def _declare(page, people) -> None:
    """The declaration the Family Hubs moderator makes before moderating a bid (shown, not made)."""
    from trellis.bids.models import Bid

    evaluation = _evaluation(FAMILY_HUBS)
    bid = Bid.objects.filter(opportunity=evaluation.opportunity, status="submitted").order_by("id")[0]
    _goto(page, f"/evaluation/{evaluation.public_id}/bids/{bid.public_id}/declare/")


def _summary(page, people) -> None:
    """An unsuccessful community hubs bidder's assessment summary, as a commissioner may read it."""
    from trellis.evaluation.models import AwardDecision

    decision = AwardDecision.objects.get(evaluation=_evaluation(HUBS))
    winners = set(decision.winning_bids.values_list("pk", flat=True))
    from trellis.bids.models import Bid

    bid = Bid.objects.filter(opportunity=decision.evaluation.opportunity, status="submitted").exclude(pk__in=winners)
    _goto(page, f"/evaluation/summary/{bid.order_by('id')[0].public_id}/")


SHOTS: tuple[Shot, ...] = (
    Shot("home", None, _go("/"), height=900),
    Shot("sign-in", None, _go("/accounts/login/"), height=1000),
    Shot("sign-in-code", None, _go("/accounts/login/code/"), height=800),
    Shot("account", "Provider admin", _go("/account/"), height=800),
    Shot("two-factor", "Provider admin", _go("/accounts/2fa/"), height=800),
    Shot("organisation", "Provider admin", _organisation, height=1300),
    Shot("profile-edit", "Provider admin", _edit, height=1400),
    Shot("evidence", "Provider admin", _evidence, height=1500),
    Shot("members", "Provider admin", _members, height=1000),
    Shot("partner-finder", "Provider admin", _go("/directory/partners/"), height=1100),
    Shot("partner-request", "Provider admin", _partner_request, height=1200),
    Shot("consortia", None, _go("/directory/consortia/"), height=1100),
    Shot("directory", "Commissioner", _go("/directory/"), height=1300),
    Shot("directory-filtered", "Commissioner", _directory_filtered, height=1300),
    Shot("organisation-private", "Commissioner", _provider_page, height=1100),
    Shot("verification-queue", "Commissioner", _go("/directory/verify/"), height=1100),
    Shot("verify-document", "Commissioner", _verify_document, height=1300),
    Shot("import", "Commissioner", _go("/directory/import/"), height=1300),
    Shot("sector-profile", None, _go("/places/profile/"), height=1500),
    Shot("route-question", "Commissioner", _route_question, height=1200),
    Shot("route-result", "Commissioner", _route_result, height=1500),
    Shot("route-decision", "Commissioner", _route_decision, height=1400),
    Shot("forward-plan", "Provider admin", _go("/opportunities/"), height=1300),
    Shot("opportunity", "Provider admin", _open_opportunity, height=1500),
    Shot("opportunity-manage", "Commissioner", _manage_draft, height=1300),
    Shot("evaluation-overview", "Procurement officer", _evaluation_page(FAMILY_HUBS), height=1400),
    Shot("evaluation-declare", "Procurement officer", _declare, height=1300),
    Shot("evaluation-bid", "Evaluator", _marked_bid, height=1500),
    Shot("evaluation-results", "Procurement officer", _evaluation_page(FAMILY_HUBS, "results/"), height=1500),
    Shot("evaluation-low-prices", "Procurement officer", _evaluation_page(FAMILY_HUBS, "low-prices/"), height=1300),
    Shot(
        "evaluation-decision",
        "Commissioner",
        _evaluation_page(TRANSPORT, "decision/"),
        height=1300,
        start="#award-steps",
    ),
    Shot(
        "phone-award-steps",
        "Procurement officer",
        _evaluation_page(TRANSPORT, "decision/"),
        height=1700,
        viewport=PHONE,
        start="#award-steps",
    ),
    Shot("assessment-summary", "Commissioner", _summary, height=1500),
    Shot("phone-directory", None, _go("/directory/?q=food"), height=1400, viewport=PHONE),
)


def _compress(png: bytes) -> bytes:
    """A 256-colour palette PNG: a fraction of the size, no visible difference for flat pages."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True
    )
    return out.getvalue()


def _sign_in(page, email: str, password: str) -> None:
    _goto(page, "/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    if "/accounts/login/" in page.url:
        raise RuntimeError(f"Could not sign in as {email}: is the demo place loaded (make demo)?")


def _people() -> tuple[dict[str, str], str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Some shots look up the demo's records (which bid to show): Playwright's sync API runs an event loop, so the
    # ORM must be told that reading from this one-thread script is safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    from trellis.demo import loader

    return {label: email for label, _name, email, _org in loader.accounts()}, settings.TRELLIS_DEMO_PASSWORD


def take(shots: list[Shot], base_url: str, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("Chromium is not installed: run `make browser-deps`.")
    people, password = _people()
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        contexts: dict[tuple[str | None, int], object] = {}
        for shot in shots:
            viewport = shot.viewport or DESKTOP
            key = (shot.who, viewport["width"])
            if key not in contexts:
                context = browser.new_context(
                    base_url=base_url, viewport=viewport, locale="en-GB", timezone_id="Europe/London"
                )
                context.set_default_timeout(20_000)
                if shot.who:
                    _sign_in(context.new_page(), people[shot.who], password)
                contexts[key] = context
            page = contexts[key].new_page()
            try:
                shot.open(page, people)
                page.wait_for_load_state("networkidle")
                top = 0.0
                if shot.start:
                    box = page.locator(shot.start).first.bounding_box()
                    top = max(0.0, box["y"] - 24) if box else 0.0
                page_height = page.evaluate("document.documentElement.scrollHeight")
                height = min(shot.height, page_height - top)
                png = page.screenshot(
                    full_page=True, clip={"x": 0, "y": top, "width": viewport["width"], "height": height}
                )
                data = _compress(png)
                (out / f"{shot.name}.png").write_bytes(data)
                print(f"{shot.name}.png  {len(data) // 1024} KB  {page.url}")
            except Exception as exc:
                failures.append(f"{shot.name}: {exc}")
                print(f"{shot.name}: FAILED {exc}", file=sys.stderr)
            finally:
                page.close()
        browser.close()
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="the running demo (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="folder for the PNG files")
    names = ", ".join(s.name for s in SHOTS)
    parser.add_argument("--only", nargs="*", metavar="NAME", help=f"take only these shots: {names}")
    args = parser.parse_args(argv)
    wanted = [s for s in SHOTS if not args.only or s.name in args.only]
    unknown = set(args.only or []) - {s.name for s in SHOTS}
    if unknown:
        parser.error(f"no such shot: {', '.join(sorted(unknown))}")
    failures = take(wanted, args.base_url.rstrip("/"), args.out)
    if failures:
        print(f"{len(failures)} shot(s) failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
