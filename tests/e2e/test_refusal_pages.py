"""The pages of refusals, in a real browser at 360 px, in Arabic and French:
the database away (503), and a form whose answer the input boundary refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import make_test_app
from tests.e2e.conftest import Phone, served

UNAVAILABLE = {"ar": "الخدمة غير متاحة مؤقتاً", "fr": "Le service est momentanément indisponible"}
REFUSED = {
    "ar": "احذف الأحرف غير المرئية أو أحرف التحكم من جوابك عن «العنوان»",
    "fr": "Retirez les caractères invisibles ou de contrôle de votre réponse à «\u00a0Adresse\u00a0»",
}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_database_away_page(
    browser: Any, database_url: str, oidc_provider: str, language: str
) -> None:
    closed = make_url(database_url).set(host="127.0.0.1", port=1).render_as_string(False)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        with served(lambda url: make_test_app(closed, oidc_provider, PUBLIC_BASE_URL=url)) as base:
            phone = Phone(context.new_page(), base)
            response = phone.page.goto(f"{base}/?lang={language}")
            assert response is not None and response.status == 503
            assert phone.page.locator("h1").inner_text() == UNAVAILABLE[language]
            assert phone.page.locator("html").get_attribute("lang") == language
            phone.check_page(f"database-away-{language}")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_refused_answer_on_its_field(phone: Phone, demo: None, language: str) -> None:
    phone.sign_in("youssef", language)
    phone.goto(f"/household/changes/residence?lang={language}")
    address = phone.page.locator("textarea[name=address]")
    address.fill("12 rue Al Massira\u202e, Hay Hassani")
    phone.page.locator("button[name=continue]").click()
    phone.page.wait_for_selector(".error-summary")
    assert REFUSED[language] in phone.page.locator("#address-error").inner_text()
    assert "\u202e" not in address.input_value()  # shown again without it
    phone.check_page(f"refused-answer-{language}")
