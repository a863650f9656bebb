"""With the keyboard alone, and on a slow network, at 360 px.

- After every partial swap focus lands on the new content (never back on the
  document, from where the next Tab would reach the footer), and what
  appeared is announced.
- Every control reached with Tab shows where the focus is.
- A live check that comes back late never undoes an answer given meanwhile.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.e2e.conftest import Phone, served
from tests.support.live_page import wait_for_htmx

SLOW = 1.5  # seconds each response is held back


def active(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, id: e.id || '', name: e.getAttribute('name') || '',"
        " text: (e.innerText || '').trim().slice(0, 80),"
        " cls: e.className || ''}; }"
    )


def assert_focus_visible(page: Any) -> None:
    """The focused control is drawn differently: an outline, a ring or a fill."""
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow,"
        " background: s.backgroundColor}; }"
    )
    ring = style["shadow"] != "none"
    outline = not style["outline"].startswith("none") and not style["outline"].endswith(" 0px")
    assert ring or outline, f"no focus indicator on {active(page)}: {style}"


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the control matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} Tabs; focus on {active(page)}")


def tab_through_the_page(page: Any, limit: int = 120) -> int:
    """Tab from the top to the end of the page: every stop shows the focus.
    Returns how many stops there were."""
    page.focus(".skip-link")
    seen = [page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")]
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            return len(seen)
        stop = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
        if seen and stop == seen[0]:
            return len(seen)
        assert_focus_visible(page)
        seen.append(stop)
    return len(seen)


def assert_no_axe_violations(phone: Phone) -> None:
    """axe-core finds nothing, whatever the impact."""
    page = phone.page
    page.add_script_tag(url="/static/vendor/axe.min.js")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    assert violations == [], f"{page.url}: {violations}"


def summary_focused(page: Any) -> None:
    """The error summary has the focus: a screen reader reads it first."""
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith(("Erreur", "خطأ:")), page.title()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_members_find_add_remove_with_the_keyboard(phone: Phone, demo: None, language: str) -> None:
    page: Any = phone.page
    phone.sign_in("amina", language)
    phone.goto(f"/household/register?lang={language}")
    phone.goto("/household/register/members")

    # Find, with nothing typed: the error summary has the focus and names the fields.
    tab_to(page, "input[name=idcs]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert active(page)["cls"] == "error-summary"
    assert page.title().startswith("Erreur" if language == "fr" else "خطأ:")
    assert_no_axe_violations(phone)

    # Find: the panel asking about the person found is focused, so it is read out.
    page.keyboard.press("Tab")  # the summary's first link
    page.keyboard.press("Enter")
    assert active(page)["name"] == "idcs"
    page.keyboard.type("1000000102")
    tab_to(page, "input[name='birth_date-day']")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    page.keyboard.type("1984")
    page.keyboard.press("Enter")
    page.wait_for_selector("#found-member")
    assert active(page)["id"] == "found-member-title"
    assert_no_axe_violations(phone)
    phone.screenshot(f"members-found-keyboard-{language}")
    assert tab_through_the_page(page) > 10
    page.focus("#found-member-title")

    # Add: the next Tab reaches the relation, then the button; the list is
    # focused and a status message says who was added.
    page.keyboard.press("Tab")
    assert active(page)["name"] == "relation"
    page.keyboard.press("ArrowDown")  # the first relation (husband or wife)
    tab_to(page, "#found-member button:not([name])")
    page.keyboard.press("Enter")
    page.wait_for_selector("#members-section [role=status] .notice")
    assert active(page)["id"] == "members-count"
    status = page.locator("#members-section [role=status]").inner_text()
    assert ("Hassan" in status) or ("حسن" in status)
    assert_no_axe_violations(phone)

    # Remove: the first Tab from the list reaches the Remove button.
    page.keyboard.press("Tab")
    assert active(page)["tag"] == "BUTTON" and "link-button" in active(page)["cls"]
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.member-list__item').length == 1")
    wait_for_htmx(page)
    assert active(page)["id"] == "members-count"
    status = page.locator("#members-section [role=status]").inner_text()
    assert ("Hassan" in status) or ("حسن" in status)
    assert_no_axe_violations(phone)


@pytest.fixture(scope="module")
def outbox_server(database_url: str, oidc_provider: str, app: Flask) -> Iterator[str]:
    """The development portal, where the SMS outbox page shows the code sent."""
    from tests.conftest import make_test_app

    with served(
        lambda url: make_test_app(
            database_url, oidc_provider, RSU_ENV="development", TESTING=True, PUBLIC_BASE_URL=url
        )
    ) as url:
        yield url


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_counter_search_and_code_with_the_keyboard(
    phone: Phone, outbox_server: str, demo: None, language: str
) -> None:
    phone.base_url = outbox_server
    page: Any = phone.page
    phone.sign_in("agent.salma", language)
    phone.goto(f"/counter?lang={language}")

    # Search with nothing typed: the summary is focused, its link leads to the field.
    tab_to(page, "input[name=number]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary_focused(page)
    assert_no_axe_violations(phone)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert active(page)["name"] == "number"
    page.keyboard.type("AB123456")
    page.keyboard.press("Enter")
    page.wait_for_url("**/counter/citizen")
    assert_no_axe_violations(phone)

    # The code: sent, then a wrong one, then the right one, all from the keyboard.
    tab_to(page, "main form[action$='/code/send'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/counter/citizen/code")
    tab_to(page, "input[name=code]")
    page.keyboard.type("000000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary_focused(page)
    assert_no_axe_violations(phone)
    reader = page.context.new_page()
    reader.goto(phone.base_url + "/dev/outbox")
    code = re.search(r"(\d{6})", reader.locator("td.outbox-message").first.inner_text())
    assert code is not None
    reader.close()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert active(page)["name"] == "code"
    page.keyboard.press("Control+A")
    page.keyboard.type(code.group(1))
    page.keyboard.press("Enter")
    page.wait_for_url("**/me")


class SlowNetwork:
    """Holds each live check's response back for SLOW seconds, in order, as a
    slow mobile network does: the server has answered (and saved), the answer
    is still on its way. Responses are released from the test's thread."""

    def __init__(self, page: Any, pattern: str) -> None:
        self.page = page
        self.held: list[tuple[float, Any, Any]] = []
        page.route(pattern, self._hold)

    def _hold(self, route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        self.held.append((time.monotonic(), route, route.fetch()))

    def wait(self, seconds: float) -> None:
        """Let time pass, releasing each response once it has waited SLOW seconds."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            while self.held and time.monotonic() - self.held[0][0] >= SLOW:
                _, route, response = self.held.pop(0)
                route.fulfill(response=response)
            # The test's own clock: Playwright handles held routes only while it
            # waits, and what is awaited here is time itself (1.5 s of latency).
            self.page.wait_for_timeout(50)

    def drain(self) -> None:
        """Until every response held has been delivered."""
        self.wait(SLOW)
        while self.held:
            self.wait(SLOW / 10)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_late_region_check_keeps_the_province_chosen_meanwhile(
    phone: Phone, demo: None, language: str
) -> None:
    page: Any = phone.page
    phone.sign_in("amina", language)
    phone.goto(f"/household/register?lang={language}")
    phone.goto("/household/register/residence")
    network = SlowNetwork(page, "**/household/register/residence")
    page.select_option("select[name=region]", "casablanca-settat")
    network.wait(0.4)
    page.select_option("select[name=province]", "casablanca")
    network.drain()
    wait_for_htmx(page)
    assert page.locator("select[name=region]").input_value() == "casablanca-settat"
    assert page.locator("select[name=province]").input_value() == "casablanca"
    # The late answer did arrive: the list now holds the region's provinces only.
    assert page.locator("select[name=province] optgroup").count() == 0
    assert_no_axe_violations(phone)
    phone.screenshot(f"residence-slow-network-{language}")


def test_a_late_activity_check_keeps_the_occupation_chosen_meanwhile(
    phone: Phone, demo: None
) -> None:
    page: Any = phone.page
    phone.sign_in("amina", "fr")
    phone.goto("/household/register?lang=fr")
    phone.goto("/household/register/details")
    page.locator("main a[href*='/household/register/details/']").first.click()
    page.wait_for_load_state()
    network = SlowNetwork(page, "**/household/register/details/*")
    page.locator("input[name=activity][value=employed]").check()
    network.wait(0.4)
    page.select_option("select[name=occupation]", "private_employee")
    page.locator("input[name=disability][value=no]").check()
    network.drain()
    wait_for_htmx(page)
    assert page.locator("input[name=activity][value=employed]").is_checked()
    assert page.locator("select[name=occupation]").input_value() == "private_employee"
    assert page.locator("input[name=disability][value=no]").is_checked()
    assert_no_axe_violations(phone)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_error_summary_follows_the_live_checks(phone: Phone, demo: None, language: str) -> None:
    page: Any = phone.page
    phone.sign_in("amina", language)
    phone.goto(f"/household/register?lang={language}")
    phone.goto("/household/register/residence")
    with page.expect_navigation():
        page.locator("button[name=continue]").click()
    summary_focused(page)
    links = page.locator(".error-summary a").all_inner_texts()
    assert len(links) == len(set(links)) == 5, links
    assert_no_axe_violations(phone)
    phone.screenshot(f"residence-errors-{language}")

    # The region, then the area, answered: their entries leave the summary at once.
    page.select_option("select[name=region]", "casablanca-settat")
    page.wait_for_selector(".error-summary [data-error-for=region]", state="detached")
    wait_for_htmx(page)
    page.locator("input[name=milieu][value=urban]").check()
    page.wait_for_selector(".error-summary [data-error-for=milieu]", state="detached")
    wait_for_htmx(page)
    assert page.locator(".error-summary [data-error-for]").count() == 3
    # Every answer given: no summary is left, and the title no longer says "Error".
    page.select_option("select[name=province]", "casablanca")
    page.fill("textarea[name=address]", "12 rue Al Massira, Hay Hassani")
    page.fill("input[name=phone]", "0612345601")
    page.locator("input[name=phone]").blur()
    page.wait_for_selector(".error-summary", state="detached")
    assert not page.title().startswith(("Erreur", "خطأ:"))
    assert_no_axe_violations(phone)
    assert tab_through_the_page(page) > 10
