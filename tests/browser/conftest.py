"""Fixtures for the browser tests: Debian's chromium driven by Playwright (sync API) against
pytest-django's live server.

Run them with `make test-browser`; `make test` deselects them (`-m "not browser"` in pyproject).
`playwright install` is not used: the browser is the system chromium (`CHROMIUM` overrides the
path), with the CJK fonts from fonts-noto-cjk.
"""

from __future__ import annotations

import os
import shutil
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
