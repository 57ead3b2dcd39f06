"""Browser tests: Playwright's sync API driving Debian's chromium against pytest-django's live server.

No browser download: chromium comes from the system (`/usr/bin/chromium`, or CHROMIUM_PATH). The front-end assets
must have been built (`make assets`, part of `make install`); a missing piece fails the run with the fix."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from such a thread unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artefacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
GOVUK_CSS = ROOT / "casework" / "static" / "vendor" / "govuk" / "govuk-frontend.min.css"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "Debian's chromium is needed for the browser tests: apt-get install chromium (or set CHROMIUM_PATH)."
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    for needed in (AXE, GOVUK_CSS):
        if not needed.exists():
            pytest.fail(f"{needed.relative_to(ROOT)} is missing: run `make assets` (npm ci and copy into static/).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.live_server_url = live_server.url
    # Anything the Content-Security-Policy blocks (an inline script or style) or a JavaScript error fails the test.
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert not problems, "Browser reported:\n" + "\n".join(problems)


def sign_in(page: Any, user: Any) -> None:
    """Sign in by session cookie from Django's own force_login, so the journeys do not depend on the sign-in
    pages (owned and tested by the access work, which adds two-factor authentication)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": page.live_server_url}]
    )


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page: Any, name: str) -> None:
    """axe-core (from npm) in the page: no serious or critical WCAG 2.2 A/AA violations. Evaluated through the
    DevTools protocol rather than a <script> tag, so the page's strict CSP stays in force during the tests."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"Accessibility violations on {name}:\n" + "\n".join(bad)


def check_page(page: Any, name: str) -> None:
    """Every key page: a screenshot for review and an accessibility scan."""
    screenshot(page, name)
    assert_accessible(page, name)
