"""Fixtures for the browser tests: Debian's chromium driven by Playwright (sync API) against
pytest-django's live server.

Run them with `make test-browser`; `make test` deselects them (`-m "not browser"` in pyproject).
`playwright install` is not used: the browser is the system chromium (`CHROMIUM` overrides the
path), with the CJK fonts from fonts-noto-cjk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCALE = "zh-CN"


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail(
        "chromium not found: install it (apt-get install chromium fonts-noto-cjk) "
        "or point CHROMIUM at a Chromium binary",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless chromium for the session.

    Playwright's sync API keeps an asyncio loop running in this thread, so Django's async-safety
    check would refuse the test thread's database access (fixtures, flushes) while it lives:
    DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that lifetime and restored afterwards, so other
    tests in the same run keep the check.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(transactional_db):
    """The curated demo event, committed so the live server's thread sees it."""
    from tests.factories import import_demo

    return import_demo()


class PageProblems:
    """Script errors and failed requests seen by a page, checked after each test."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.items.append(f"script error: {error}"))
        page.on("response", self._response)

    def _response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.items.append(f"HTTP {response.status} {response.url}")


def new_context(browser, live_server, **options):
    context = browser.new_context(locale=LOCALE, base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def context(browser, live_server, demo):
    context = new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context, page_problems):
    page = context.new_page()
    page_problems.watch(page)
    yield page
    assert not page_problems.items, page_problems.items


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def axe_js() -> str:
    """axe-core's script: from AXE_JS (a path to axe.min.js), or installed once with npm into
    test-artifacts/axe. Without it the accessibility tests skip, except in CI, where they fail."""
    path = os.environ.get("AXE_JS")
    if not path:
        folder = ARTIFACTS / "axe"
        path = str(folder / "node_modules" / "axe-core" / "axe.min.js")
        if not Path(path).is_file():
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                 str(folder), "axe-core@4"],
                capture_output=True, timeout=300, check=False,
            )  # fmt: skip
    if not Path(path).is_file():
        message = "axe-core is not available: set AXE_JS or let npm install it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return Path(path).read_text(encoding="utf-8")


def axe_violations(page, axe_js: str) -> list[str]:
    """WCAG 2.x A and AA violations axe-core finds on the page, with up to three nodes each."""
    page.add_script_tag(content=axe_js)
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => v.id + ' x' + v.nodes.length + ': ' +
                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
        }""",
        WCAG,
    )


def wait_until(page, expression: str, *, timeout: float = 10.0) -> None:
    """Wait until `expression` is true in the page. Playwright's wait_for_function evaluates its
    predicate with eval, which the site's CSP forbids; page.evaluate is not subject to it."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)
