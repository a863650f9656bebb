"""Browser tests: Playwright drives Debian's Chromium against a live portal.

Playwright's own browser download is blocked here, so we launch the system
Chromium through ``executable_path``. Without it the tests skip with the
install command, except under ``CI=true`` where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
# Flags from the machine notes: without the background-networking ones,
# Chromium keeps trying to reach Google and floods the closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        message = (
            "Chromium not found: install it with `apt-get install chromium` (or set CHROMIUM_PATH)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@contextmanager
def served(make_app: Callable[[str], Flask]) -> Iterator[str]:
    """A portal on a real HTTP server in a thread; yields its base URL.

    The portal is made once the port is known, from that URL: it is the
    portal's public address (PUBLIC_BASE_URL), where the identity provider
    sends the browser back.
    """
    server = make_server("localhost", 0, Flask("placeholder"), threaded=True)
    url = f"http://localhost:{server.server_port}"
    server.app = make_app(url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def live_server(migrated: None, database_url: str, oidc_provider: str) -> Iterator[str]:
    from tests.conftest import make_test_app

    with served(lambda url: make_test_app(database_url, oidc_provider, PUBLIC_BASE_URL=url)) as url:
        yield url


class Phone:
    """A 360-pixel-wide browser page with helpers for our checks."""

    def __init__(self, page: Any, base_url: str, axe_page: Any = None) -> None:
        self.page = page
        self.base_url = base_url
        self.external_requests: list[str] = []
        # With JavaScript off, axe-core cannot run in the page itself: a copy of
        # the page's HTML is checked in this JavaScript-enabled page instead.
        self.axe_page = axe_page

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_accessible(self) -> None:
        """axe-core finds no violation, of any impact, on the current page."""
        target = self.page
        if self.axe_page is not None:
            target = self.axe_page
            target.goto(self.base_url + "/healthz")
            target.set_content(self.page.content())
        target.add_script_tag(url="/static/vendor/axe.min.js")
        violations = target.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
        )
        assert violations == [], f"{self.page.url}: {violations}"

    def sign_in(self, subject: str, language: str = "fr") -> None:
        """Through our login page and the development provider's own form."""
        self.goto(f"/login?lang={language}")
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_url("**/oauth2/authorize**")
        self.page.locator("input[name=sub]").fill(subject)
        self.page.locator("input[name=sub]").press("Enter")
        self.page.wait_for_url(lambda url: "/oauth2/" not in url and "/auth/callback" not in url)

    def check_page(self, name: str) -> None:
        """The checks every new page gets: axe-core, 360 px fit, a screenshot."""
        self.assert_accessible()
        self.assert_fits_the_screen()
        self.screenshot(name)

    def assert_fits_the_screen(self) -> None:
        """Nothing makes the page scroll sideways on a 360-pixel screen."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{self.page.url} is {width}px wide"


@pytest.fixture
def phone(browser: Any, live_server: str, db: Any) -> Iterator[Phone]:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    phone = Phone(page, live_server)

    def keep_local(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            phone.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", keep_local)
    page.set_default_timeout(15000)
    yield phone
    context.close()
