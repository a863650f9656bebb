"""youssef signs in through the provider's form and out, in Arabic and French, at 360 px."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Phone

TEXTS = {
    "ar": {
        "sign_in": "تسجيل الدخول",
        "continue": "المتابعة إلى خدمة الهوية",
        "name": "يوسف العمراني",
        "sign_out": "تسجيل الخروج",
    },
    "fr": {
        "sign_in": "Se connecter",
        "continue": "Continuer vers le service d'identité",
        "name": "Youssef El Amrani",
        "sign_out": "Se déconnecter",
    },
}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_youssef_signs_in_and_out(phone: Phone, demo: None, language: str) -> None:
    texts = TEXTS[language]
    page = phone.page
    phone.goto(f"/?lang={language}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    phone.assert_accessible()
    phone.assert_fits_the_screen()
    phone.screenshot(f"home-{language}")

    page.get_by_role("link", name=texts["sign_in"], exact=True).first.click()
    page.wait_for_url("**/login")
    phone.assert_accessible()
    phone.screenshot(f"login-{language}")
    page.get_by_role("button", name=texts["continue"]).click()

    # The development provider's own form, on another port.
    page.wait_for_url("**/oauth2/authorize**")
    page.locator("input[name=sub]").fill("youssef")
    page.locator("input[name=sub]").press("Enter")

    page.wait_for_url("**/me")
    assert texts["name"] in page.locator("h1").inner_text()
    phone.assert_accessible()
    phone.assert_fits_the_screen()
    phone.screenshot(f"me-{language}")

    page.get_by_role("button", name=texts["sign_out"]).click()
    page.wait_for_url("**/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: url.startswith(phone.base_url + "/"))
    phone.goto("/me")
    page.wait_for_url("**/login?next=/me")
    assert phone.external_requests == [] or all(
        "cdn.jsdelivr.net" in u for u in phone.external_requests
    )


def test_karim_is_guided_to_the_rnp(phone: Phone, demo: None) -> None:
    page = phone.page
    phone.goto("/login?lang=ar")
    page.get_by_role("button", name=TEXTS["ar"]["continue"]).click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator("input[name=sub]").fill("karim")
    page.locator("input[name=sub]").press("Enter")
    page.wait_for_url("**/me")
    assert "السجل الوطني للسكان" in page.content()
    phone.assert_accessible()
    phone.assert_fits_the_screen()
    phone.screenshot("me-karim-ar")
