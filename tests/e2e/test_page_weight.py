"""A signed-in citizen's second page costs its HTML alone: the CSS, htmx and
images came with the first one, fingerprinted and cached for a year."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Phone

SECOND_VIEW_BUDGET = 15 * 1024


@pytest.fixture
def caching_phone(browser: Any, live_server: str, db: Any) -> Iterator[Phone]:
    """A phone whose HTTP cache works: Playwright turns the cache off in a
    context with request routing, so this one routes nothing (every page
    here is on the portal's own host)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Phone(page, live_server)
    context.close()


def bytes_received(phone: Phone, path: str) -> tuple[int, list[str]]:
    """Bytes over the network (headers and bodies) to load a page, and the URLs fetched."""
    cdp = phone.page.context.new_cdp_session(phone.page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    sizes: dict[str, float] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))  # fmt: skip
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))  # fmt: skip
    phone.goto(path)
    phone.page.wait_for_load_state("networkidle")
    cdp.detach()
    fetched = [urls[request] for request, size in sizes.items() if size > 0 and request in urls]
    return int(sum(sizes.values())), fetched


def test_second_signed_in_page_transfers_at_most_15_kb(caching_phone: Phone, demo: None) -> None:
    first, first_urls = bytes_received(caching_phone, "/?lang=fr")
    assert any("/static/" in url for url in first_urls)  # the first view brings the assets
    caching_phone.sign_in("youssef")  # and lands on /me
    for path in ("/score", "/household"):
        size, urls = bytes_received(caching_phone, path)
        assert caching_phone.page.locator("h1").count() == 1
        assert [url for url in urls if "/static/" in url] == []
        assert size <= SECOND_VIEW_BUDGET, f"{path}: {size} bytes: {urls}"
        assert size < first
        print(f"{path}: {size} bytes over the network (first view {first})")
