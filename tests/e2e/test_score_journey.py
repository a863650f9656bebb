"""youssef reads his score and its explanation at 360 px, in French and in Arabic."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Phone

EXPECTED = {
    "fr": (
        "9,2355063",
        "9,3264284",
        "9,743001",
        "AMO Tadamon",
        "Ce qui a le plus augmenté votre indice",
    ),
    "ar": ("9,2355063", "9,3264284", "9,743001", "تضامن", "ما رفع مؤشرك أكثر"),
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_youssef_reads_his_score(phone: Phone, demo: None, language: str) -> None:
    phone.sign_in("youssef", language)
    phone.goto(f"/score?lang={language}")
    text = phone.page.locator("main").inner_text()
    for expected in EXPECTED[language]:
        assert expected in text
    phone.check_page(f"score-{language}")
    # The details open with the keyboard alone.
    phone.page.locator("summary").focus()
    phone.page.keyboard.press("Enter")
    assert phone.page.locator("details").get_attribute("open") is not None
    phone.check_page(f"score-details-{language}")
