"""A tour of the pages people read most, at 360 px, in Arabic and in French.

On each page: axe-core finds no violation of any impact, and no element's
content is wider than its own box (a table cut off inside its scrolling
frame counts, not only a page that scrolls sideways). Every page is
screenshotted; with ``SHOTS_DIR`` set, a copy named ``<page>-<lang>-<SHOTS_TAG>.png``
lands there too, to compare before and after a change.

Problems are gathered over the whole tour and reported together, so that
one run shows every page that does not hold.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.e2e.conftest import Phone
from tests.support.tour import prepare

# Elements whose box is deliberately smaller than their content: the
# visually-hidden text for screen readers, and form controls (a select's
# width is the browser's business).
OVERFLOWING_ELEMENTS = """
() => {
  const skip = (el) => el.closest('.visually-hidden, [hidden], svg, select, input, textarea, option');
  const found = [];
  for (const el of document.querySelectorAll('body, body *')) {
    if (skip(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.display === 'inline' || el.clientWidth <= 1) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      found.push(`${name} ${el.scrollWidth}>${el.clientWidth}: ${el.innerText.slice(0, 40).replace(/\\s+/g, ' ')}`);
    }
  }
  return found;
}
"""

ONE_LINE_BUTTON = """
() => {
  const button = document.querySelector('.button--start');
  const style = getComputedStyle(button);
  const text = button.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return Math.round(text / parseFloat(style.lineHeight));
}
"""

AXE_EVERY_IMPACT = (
    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    ".map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 3)}`)"
)


class Tour:
    def __init__(self, phone: Phone, language: str) -> None:
        self.phone = phone
        self.language = language
        self.problems: list[str] = []

    def sign_in(self, subject: str) -> None:
        self.phone.page.context.clear_cookies()
        self.phone.sign_in(subject, self.language)

    def visit(self, name: str, path: str) -> None:
        separator = "&" if "?" in path else "?"
        self.phone.goto(f"{path}{separator}lang={self.language}")
        self.check(name)

    def check(self, name: str) -> None:
        page = self.phone.page
        page.wait_for_load_state()
        shot = self.phone.screenshot(f"narrow-{name}-{self.language}")
        target = os.environ.get("SHOTS_DIR")
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            tag = os.environ.get("SHOTS_TAG", "after")
            shutil.copy(shot, Path(target) / f"{name}-{self.language}-{tag}.png")
        for overflow in page.evaluate(OVERFLOWING_ELEMENTS):
            self.problems.append(f"{name}-{self.language} overflows: {overflow}")
        page.add_script_tag(url="/static/vendor/axe.min.js")
        for violation in page.evaluate(AXE_EVERY_IMPACT):
            self.problems.append(f"{name}-{self.language} axe: {violation}")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_fits_a_phone_and_passes_axe(
    phone: Phone, demo: None, client: FlaskClient, db: Session, language: str
) -> None:
    data = prepare(client, db)
    tour = Tour(phone, language)
    page = phone.page

    tour.visit("home", "/")
    lines = page.evaluate(ONE_LINE_BUTTON)
    if lines != 1:
        tour.problems.append(f"home-{language}: the start button takes {lines} lines")
    tour.visit("idcs-guide", "/guide/idcs")
    tour.visit("verify", "/verify")
    tour.visit("verify-valid", f"/verify/{data['certificate']}")

    tour.sign_in("karim")
    tour.visit("karim-me", "/me")
    tour.visit("karim-register", "/household/register")

    tour.sign_in("youssef")
    tour.visit("me", "/me")
    tour.visit("household", "/household")
    tour.visit("household-version", "/household/versions/2")
    tour.visit("household-version-first", "/household/versions/1")
    tour.visit("score", "/score")
    # High contrast: the picture takes the system's colours and stays legible.
    page.emulate_media(forced_colors="active")
    tour.check("score-forced-colors")
    page.emulate_media(forced_colors="none")
    tour.visit("certificates", "/certificates")
    tour.visit("change-residence", "/household/changes/residence")
    tour.visit("privacy", "/privacy")
    tour.visit("my-data", "/privacy/my-data")
    tour.visit("review", f"/reviews/{data['review']}")

    tour.sign_in("reviewer.omar")
    tour.visit("review-queue", "/backoffice/reviews")
    widths = set(
        page.evaluate("[...document.querySelectorAll('.filters select')].map(s => s.offsetWidth)")
    )
    if len(widths) != 1:
        tour.problems.append(f"review-queue-{language}: filter selects of widths {widths}")
    tour.visit("review-case", f"/backoffice/reviews/{data['review']}")

    tour.visit("backoffice", "/backoffice")

    tour.sign_in("agent.salma")
    tour.visit("counter", "/counter")

    tour.sign_in("supervisor.latifa")
    tour.visit("supervision-queue", "/counter/supervision")
    tour.visit("supervision-session", f"/counter/supervision/{data['session']}")

    tour.sign_in("amina")
    tour.visit("member-details", f"/household/register/details/{data['member']}")
    tour.visit("check-answers", "/household/register/check")
    page.locator("input[name=honour]").check()
    page.locator("input[name=consent]").check()
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url("**/household/register/confirmation")
    tour.check("confirmation")

    assert tour.problems == [], "\n".join(tour.problems)
