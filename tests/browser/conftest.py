"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
pytest-django's live server, and axe-core checks each page at WCAG 2.1 AA."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable
# from the test body to set up data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_21_AA = {"runOnly": {"type": "tag",
                          "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-quic", "--no-first-run", "--disable-component-update",
                 "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is not installed: run `make system-deps`.")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser tab; fails the test if any page broke the Content-Security-Policy."""
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp_errors: list[str] = []
    page.on("console", lambda msg: csp_errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert csp_errors == []


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core at WCAG 2.1 A and AA: zero violations, or a readable report."""
    results: Any = _axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, (
        f"axe found violations on {page.url}:\n{results.generate_report()}"
    )
    # WCAG 2.1 SC 4.1.1 (Parsing): ids are unique. axe 4.7+ no longer checks plain ids, and a
    # repeated id makes a <label for> name the wrong control (a filter form and a create form
    # on one page once both had "id_body").
    repeated = page.evaluate(
        """() => { const seen = {}; document.querySelectorAll('[id]').forEach(
               e => { seen[e.id] = (seen[e.id] || 0) + 1; });
           return Object.keys(seen).filter(k => seen[k] > 1); }"""
    )
    assert repeated == [], f"repeated ids on {page.url}: {repeated}"


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base_url}/")
