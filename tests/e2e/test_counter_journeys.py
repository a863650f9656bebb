"""agent.salma serves youssef in French at 360 px: search, code from the
development outbox, a declared change, end. Then youssef reads /privacy in Arabic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import HouseholdVersion
from tests.e2e.conftest import Phone, served
from tests.support.dates import fill_date


@pytest.fixture(scope="module")
def development_server(database_url: str, oidc_provider: str, app: Flask) -> Iterator[str]:
    """The portal as `make run` serves it (RSU_ENV=development), where the
    development outbox page exists. Same database as the other tests."""
    from tests.conftest import make_test_app

    with served(
        lambda url: make_test_app(
            database_url, oidc_provider, RSU_ENV="development", TESTING=True, PUBLIC_BASE_URL=url
        )
    ) as url:
        yield url


@pytest.fixture
def counter_phone(phone: Phone, development_server: str) -> Phone:
    phone.base_url = development_server
    return phone


def test_salma_serves_youssef_then_youssef_reads_who_accessed_his_data(
    counter_phone: Phone, demo: None, db: Session
) -> None:
    phone = counter_phone
    page: Any = phone.page
    phone.sign_in("agent.salma", "fr")
    phone.goto("/counter?lang=fr")
    phone.check_page("counter-fr")
    page.locator("input[name=id_type][value=cnie]").check()
    page.fill("input[name=number]", "AB123456")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/counter/citizen")
    assert "Youssef El Amrani" in page.locator("main").inner_text()
    phone.check_page("counter-citizen-fr")
    page.get_by_role("button", name="Envoyer le code par SMS").click()
    page.wait_for_url("**/counter/citizen/code")
    phone.check_page("counter-code-fr")

    # The code, read from the development outbox, as the citizen would read it out.
    reader = page.context.new_page()
    reader.goto(phone.base_url + "/dev/outbox?lang=fr")
    code = re.search(r"(\d{6})", reader.locator("td.outbox-message").first.inner_text())
    assert code is not None
    reader.close()
    page.fill("input[name=code]", code.group(1))
    page.get_by_role("button", name="Ouvrir la session").click()
    page.wait_for_url("**/me")
    banner = page.locator(".assisted-banner").inner_text()
    assert "Vous agissez pour Youssef El Amrani jusqu'à" in banner
    phone.check_page("counter-acting-me-fr")

    phone.goto("/household/changes/phone?lang=fr")
    page.fill("input[name=phone]", "0677889900")
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/household/versions/2")
    assert "Vous agissez pour Youssef El Amrani" in page.locator(".assisted-banner").inner_text()
    phone.check_page("counter-change-recorded-fr")
    version = db.scalar(select(HouseholdVersion).where(HouseholdVersion.number == 2))
    assert version is not None and version.made_by == "agent"

    page.get_by_role("button", name="terminer la session").click()
    page.wait_for_url("**/counter")
    assert page.locator(".assisted-banner").count() == 0
    phone.goto("/household")
    assert "403" in page.title() or "Vous ne pouvez pas" in page.locator("main").inner_text()
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()

    phone.sign_in("youssef", "ar")
    phone.goto("/privacy?lang=ar")
    text = page.locator("main").inner_text()
    # The office in the page's language: Arabic here.
    assert "Salma Idrissi" in text and "الملحقة الإدارية الحي الحسني" in text
    assert "بدأ التصرف نيابة عنك، بموافقتك" in text and "غير معطيات أسرتك" in text
    phone.check_page("privacy-ar")
    phone.goto("/privacy/my-data?lang=ar")
    phone.check_page("my-data-ar")


def test_a_session_on_a_card_is_checked_by_the_supervisor_in_arabic(
    counter_phone: Phone, demo: None, db: Session
) -> None:
    phone = counter_phone
    page: Any = phone.page
    phone.sign_in("agent.salma", "fr")
    phone.goto("/counter?lang=fr")
    page.fill("input[name=number]", "AB123456")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/counter/citizen")
    page.get_by_role(
        "link", name="Pas de téléphone\u00a0: enregistrer un contrôle d'identité"
    ).click()
    page.wait_for_url("**/counter/citizen/identity-check")
    phone.check_page("counter-identity-check-fr")
    page.fill("input[name=cnie]", "AB123456")
    fill_date(page, "expires_on", "2031-06-30")
    page.locator("input[name=reason][value=phone_lost]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me")
    page.get_by_role("button", name="terminer la session").click()
    page.wait_for_url("**/counter")
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()

    phone.sign_in("supervisor.latifa", "ar")
    page.wait_for_url("**/counter/supervision")
    phone.goto("/counter/supervision?lang=ar")
    phone.check_page("supervision-queue-ar")
    page.locator("main a[href^='/counter/supervision/']").first.click()
    page.wait_for_url(re.compile(r".*/counter/supervision/\d+$"))
    assert "يوسف العمراني" in page.locator("main").inner_text()
    page.locator("main form button[type=submit]").click()  # nothing chosen
    assert page.locator("#outcome-error").count() == 1
    phone.check_page("supervision-session-errors-ar")
    page.locator("input[name=outcome][value=confirmed]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/counter/supervision")
    assert "تم تسجيل تحققك" in page.locator("main").inner_text()
    phone.check_page("supervision-queue-done-ar")
