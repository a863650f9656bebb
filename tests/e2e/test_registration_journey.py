"""amina registers her household at 360 px: in Arabic with JavaScript, in French without."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Phone
from tests.support.dates import fill_date
from tests.support.live_page import radio, wait_for_htmx

RESIDENCE = {"address": "5 rue Ibn Battouta, Hay Mohammadi", "phone": "0612345601"}
HOUSING_RADIOS = {
    "dwelling_type": "apartment",
    "occupancy": "tenant",
    "wall_material": "concrete_brick",
    "roof_material": "concrete_slab",
    "water_source": "network_in_dwelling",
    "sanitation": "public_sewer",
    "electricity": "individual_meter",
    "cooking_energy": "butane",
}
EQUIPMENT = {"cars": "0", "motorcycles": "1", "tvs": "1", "satellite_dishes": "1", "refrigerators": "1",
             "washing_machines": "1", "computers": "0", "smartphones": "2", "air_conditioners": "0"}  # fmt: skip
SPENDING = {"electricity_bill": "220", "water_bill": "80", "telecom": "150", "butane_bottles": "2"}
FAMILY = (("1000000102", "1984-07-02", "spouse"), ("1000000103", "2012-09-15", "child"))


def save(phone: Phone, shot: str) -> None:
    phone.check_page(shot)
    phone.page.locator("button[name=continue]").click()


@pytest.fixture(params=["ar-js", "fr-nojs"])
def journey(
    request: pytest.FixtureRequest, browser: Any, live_server: str, db: Any, demo: None
) -> Any:
    language, mode = request.param.split("-")
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=mode == "js",
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    axe_context = (
        None if mode == "js" else browser.new_context(viewport={"width": 360, "height": 740})
    )
    phone = Phone(page, live_server, axe_page=axe_context.new_page() if axe_context else None)
    context.route(
        "**/*",
        lambda route: route.continue_() if "localhost" in route.request.url else route.abort(),
    )
    yield phone, language, mode
    context.close()
    if axe_context is not None:
        axe_context.close()


def test_amina_registers_her_household(journey: Any) -> None:
    phone, language, mode = journey
    page = phone.page
    tag = f"{language}-{mode}"
    phone.sign_in("amina", language)
    phone.goto(f"/household/register?lang={language}")
    phone.check_page(f"register-tasks-{tag}")

    # Residence; the province list follows the region (htmx), or shows all (no JS).
    page.locator("a[href='/household/register/residence']").click()
    page.select_option("select[name=region]", "casablanca-settat")
    wait_for_htmx(page)
    page.select_option("select[name=province]", "casablanca")
    radio(page, "milieu", "urban")
    page.fill("textarea[name=address]", RESIDENCE["address"])
    page.fill("input[name=phone]", RESIDENCE["phone"])
    save(phone, f"register-residence-{tag}")

    # Members, found in the RNP by IDCS and birth date.
    page.wait_for_url("**/household/register/members")
    for idcs, born, relation in FAMILY:
        page.fill("input[name=idcs]", idcs)
        fill_date(page, "birth_date", born)
        page.locator("#members-section form[action$='/lookup'] button").click()
        page.locator("#found-member").wait_for()
        if idcs == FAMILY[0][0]:
            phone.check_page(f"register-member-found-{tag}")
        page.select_option("select[name=relation]", relation)
        page.locator("#found-member button:not([name=cancel])").click()
        page.locator("#found-member").wait_for(state="detached")
    assert page.locator(".member-list__item").count() == 3
    phone.check_page(f"register-members-{tag}")
    page.locator("form[action$='/members/done'] button").click()

    # Each member's details.
    page.wait_for_url("**/household/register/details")
    phone.check_page(f"register-details-{tag}")
    page.locator("a.task-list__link").first.click()
    shown = ""
    for index in range(3):
        # The next member's page, not the one just saved (both match a pattern).
        page.wait_for_url(lambda url, seen=shown: "/register/details/" in url and url != seen)
        shown = page.url
        adult = index < 2
        radio(page, "marital_status", "married" if adult else "single")
        page.select_option("select[name=education]", "upper_secondary" if adult else "primary")
        if not adult:
            radio(page, "in_school", "yes")
        radio(page, "activity", "employed" if adult else "student")
        if adult:
            wait_for_htmx(page)
            page.select_option("select[name=occupation]", "private_employee")
        radio(page, "disability", "no")
        radio(page, "health_coverage", "amo_cnss")
        save(phone, f"register-member-{index}-{tag}")

    # Housing: rent appears for tenants.
    page.wait_for_url("**/household/register/housing")
    for name, value in HOUSING_RADIOS.items():
        radio(page, name, value)
    wait_for_htmx(page)
    page.fill("input[name=monthly_rent]", "1500")
    page.fill("input[name=rooms]", "0")
    page.locator("button[name=continue]").click()
    # The error summary names the problem and links to the field.
    page.locator(".error-summary").wait_for()
    phone.check_page(f"register-housing-error-{tag}")
    page.locator(".error-summary a[href='#rooms']").click()
    page.fill("input[name=rooms]", "3")
    save(phone, f"register-housing-{tag}")

    page.wait_for_url("**/household/register/equipment")
    for name, value in EQUIPMENT.items():
        page.fill(f"input[name={name}]", value)
    radio(page, "home_internet", "no")
    save(phone, f"register-equipment-{tag}")

    page.wait_for_url("**/household/register/spending")
    for name, value in SPENDING.items():
        page.fill(f"input[name={name}]", value)
    save(phone, f"register-spending-{tag}")

    page.wait_for_url("**/household/register")
    phone.check_page(f"register-tasks-done-{tag}")
    page.locator("a[href='/household/register/check']").click()
    page.locator("input[name=honour]").check()
    page.locator("input[name=consent]").check()
    phone.check_page(f"register-check-{tag}")
    page.locator("main form button[type=submit]").last.click()

    page.wait_for_url("**/household/register/confirmation")
    assert "REC-" in page.locator("main").inner_text()
    phone.check_page(f"register-confirmation-{tag}")
