"""Browser journeys: real Chromium (Debian's package, headless) against pytest-django's live server.

- One Chromium per test module; a fresh context (cookies, downloads) and page per test.
- Every journey runs on the live server's transactional database; `demo_place` puts the Northbridge
  demo place into it: loaded once per session through the same loader `make run` uses, then restored
  from a snapshot for each test (tests/database.py).
- When a test fails, a full-page screenshot and the page's HTML are saved in test-results/.

Playwright's synchronous API keeps an asyncio event loop running on the test thread while the
browser is open, which Django would take for async code (see `browser`). The browser is closed at
the end of each module, so no other test runs with that loop or with DJANGO_ALLOW_ASYNC_UNSAFE.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import AXE_JS, ROOT

RESULTS_DIR = ROOT / "test-results"
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


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(
            "Chromium is not installed, so the browser journeys cannot run. Run `make browser-deps` "
            "(it installs Debian's chromium package), then run the tests again.",
            pytrace=False,
        )
    return path


def _static_files_handler():
    """Django's static files handler, with the caching header WhiteNoise sends in production.

    Without it every page of a journey fetched the style sheet and scripts again in full (Django's
    development handler sends no Cache-Control); WhiteNoise serves them with `max-age=60`
    (its default when DEBUG is off), so a browser keeps them from one page to the next."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    class CachedStaticFilesHandler(StaticFilesHandler):
        def serve(self, request):
            response = super().serve(request)
            response.headers["Cache-Control"] = "max-age=60, public"
            return response

    return CachedStaticFilesHandler


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with a MEDIA_URL string: Django's test server mounts a
    media handler at MEDIA_URL and cannot start with None (our setting: uploads are never served
    directly). The path given here is linked from nowhere; uploads still go through the permission-checked views."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(MEDIA_URL="/no-direct-uploads/"):
        server = LiveServer(address, start=False)
        server.thread.static_handler = _static_files_handler()
        server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(django_db_setup, live_server) -> Iterator:
    """Chromium for one test module, started after the test database and the live server exist."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    # The open browser leaves an asyncio loop running on this thread. Django then treats the thread
    # as async: it refuses database calls unless told they are safe, and it looks connections up in
    # a per-context store. Hand that store the connections the test database was set up with, so
    # the test, the live server and pytest-django's clean-up keep using the very same ones.
    originals = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        for alias, connection in originals.items():
            connections[alias] = connection
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _save_failure(page, node_id: str) -> list[Path]:
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", node_id).strip("_")[-150:]
    saved = []
    try:
        shot = RESULTS_DIR / f"{stem}.png"
        page.screenshot(path=str(shot), full_page=True)
        saved.append(shot)
        html = RESULTS_DIR / f"{stem}.html"
        html.write_text(f"<!-- {page.url} -->\n" + page.content(), encoding="utf-8")
        saved.append(html)
    except Exception as exc:  # the page may have crashed: say so, do not hide the test's own failure
        print(f"Could not save the failing page: {exc}")
    return saved


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser tab on the live server (relative URLs work); evidence kept if the test fails.

    The live server needs a transactional database, which is emptied after each test; the root
    conftest puts back what the migrations created (the service and client-group vocabularies)."""
    context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,  # lets the checks inject axe-core; the pages themselves run under the real CSP
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE_JS))
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        for path in _save_failure(tab, request.node.nodeid):
            print(f"Saved {path.relative_to(ROOT)}")
    context.close()


@pytest.fixture
def demo_place(demo_db, live_server) -> None:
    """The Northbridge demo place in the live server's database, fresh for this test (see `demo_db`)."""


@pytest.fixture
def demo_password(settings) -> str:
    return settings.TRELLIS_DEMO_PASSWORD


@pytest.fixture
def demo_email():
    """demo_email("Provider admin") -> the e-mail of the first demo person holding that role."""
    from trellis.demo import loader

    def find(role_label: str) -> str:
        for label, _name, email, _org in loader.accounts():
            if label == role_label:
                return email
        raise AssertionError(f"The demo place has nobody with the role {role_label!r}")

    return find
