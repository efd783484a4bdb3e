"""What every browser journey does at each step: go somewhere, check the page is accessible.

`visit` and `submit` wait for the page to settle, fail on a server error, then run `check_a11y`:
axe-core (WCAG 2.0/2.1/2.2 A and AA rules), a check axe only leaves "for review" (hints, errors
and labels point at elements that exist) and the house rules (one <h1>, a <title>). A failure
lists each violation with its rule, impact, help text and the elements hit.

axe is put into every page by the browser context (an init script, once per test rather than once per
page), and a document axe has already passed in this process (the sign-in page, say) is not run again:
the same document, focus and viewport give the same result.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from playwright.sync_api import Locator, Page, Response, expect

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: References to other elements that must point at something: axe only flags these "for review".
BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      if (attr === 'for' && el.tagName !== 'LABEL') continue;
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(`${el.tagName.toLowerCase()}#${el.id || '?'} ${attr}="${id}"`);
      }
    }
  }
  return broken;
}"""
#: What axe's result depends on: the document (less its CSRF tokens, which change on every page), the focused
#: element and the viewport (the style sheets are the same all session). Passing documents are remembered.
PAGE_KEY = """() => {
  const html = document.documentElement.outerHTML.replace(/(name="csrfmiddlewaretoken" value=")[^"]*"/g, '$1"');
  const active = document.activeElement;
  const focus = active ? `${active.tagName}#${active.id}[${active.getAttribute('name') || ''}]` : '';
  return `${document.URL} ${window.innerWidth}x${window.innerHeight} ${focus}\n${html}`;
}"""
AXE_RUN = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


#: Keys (PAGE_KEY) of documents axe has passed in this test process: the same document is not checked twice.
_PASSED_AXE: set[str] = set()


class AccessibilityError(AssertionError):
    """A page failed the automated accessibility check."""


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact') or 'n/a'}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v.get("nodes", [])[:10]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            lines.append(f"    at {target}: {summary}")
        if len(v.get("nodes", [])) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def check_a11y(page: Page) -> None:
    """Run axe on the page as it is now, and the house rules; raise with a readable list if anything fails."""
    page.wait_for_load_state("load")
    if not AXE_JS.exists():
        raise AssertionError(f"axe-core is missing ({AXE_JS.relative_to(ROOT)}): run `make setup` (npm install).")
    key = hashlib.sha256(page.evaluate(PAGE_KEY).encode()).hexdigest()
    if key not in _PASSED_AXE:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_JS))
        results = page.evaluate(AXE_RUN, AXE_TAGS)
        problems = results["violations"]
        if problems:
            raise AccessibilityError(format_violations(page.url, problems))
        _PASSED_AXE.add(key)
    broken = page.evaluate(BROKEN_REFERENCES)
    assert not broken, f"{page.url} refers to elements that do not exist: " + "; ".join(broken)
    headings = page.locator("h1").count()
    assert headings == 1, f"{page.url} has {headings} <h1> elements; every page needs exactly one."
    title = page.title()
    assert title.strip() and "Trellis" in title, f"{page.url} has no proper <title>: {title!r}"


def _assert_ok(response: Response | None, url: str) -> None:
    assert response is not None, f"No response loading {url}"
    assert response.status < 400, f"{url} answered {response.status} {response.status_text}"


def visit(page: Page, path: str) -> Response:
    """Open a path on the live server, assert it loaded without error and is accessible."""
    response = page.goto(path, wait_until="load")
    _assert_ok(response, path)
    check_a11y(page)
    assert response is not None
    return response


def submit(page: Page, button: Locator) -> Response:
    """Press a button (or link) that loads a new page; assert the page answered and is accessible."""
    with page.expect_navigation(wait_until="load") as nav:
        button.click()
    response = nav.value
    _assert_ok(response, page.url)
    check_a11y(page)
    assert response is not None
    return response


def fill_date(page: Page, group: str, day) -> None:
    """Type a date into the GOV.UK date input whose fieldset is named ``group``."""
    box = page.get_by_role("group", name=group)
    box.get_by_label("Day").fill(str(day.day))
    box.get_by_label("Month").fill(str(day.month))
    box.get_by_label("Year").fill(str(day.year))


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in with e-mail and password through the real sign-in page."""
    visit(page, "/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit(page, page.get_by_role("button", name="Sign in", exact=True))
    expect(page.get_by_text("Signed in as", exact=False).first).to_be_visible()
