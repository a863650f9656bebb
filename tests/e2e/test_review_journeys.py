"""A review from end to end at 360 px: youssef files it in Arabic with a photo,
reviewer.omar decides in French, youssef reads the decision in Arabic."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import Phone
from tests.support.reviews import PNG


def sign_out(phone: Phone) -> None:
    phone.page.locator("header form button[type=submit]").click()
    phone.page.wait_for_load_state()


def test_a_review_filed_in_arabic_and_decided_in_french(
    phone: Phone, demo: None, tmp_path: Path
) -> None:
    page = phone.page
    photo = tmp_path / "إيصال-الكراء.png"
    photo.write_bytes(PNG)

    phone.sign_in("youssef", "ar")
    phone.goto("/score?lang=ar")
    page.locator("a[href='/reviews/new']").click()
    page.wait_for_url("**/reviews/new")
    phone.check_page("review-new-ar")
    # Sent empty first: the errors are listed and linked to their fields.
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary a[href='#reason-0']").count() == 1
    phone.check_page("review-new-errors-ar")
    page.locator("input[name=reason][value=declaration_error]").check()
    page.fill("textarea[name=explanation]", "صرحنا بكراء 900 درهم، والصحيح 600 درهم.")
    page.set_input_files("input[name=documents]", str(photo))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/reviews/REV-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[-1]
    text = page.locator("main").inner_text()
    assert "تم استلام طلب المراجعة" in text and "إيصال-الكراء.png" in text
    phone.check_page("review-filed-ar")
    sign_out(phone)

    phone.sign_in("reviewer.omar", "fr")
    phone.goto("/backoffice/reviews?lang=fr")
    phone.check_page("review-queue-fr")
    page.locator(f"a[href='/backoffice/reviews/{number}']").click()
    page.wait_for_url(f"**/backoffice/reviews/{number}")
    phone.check_page("review-case-fr")
    page.get_by_role("button", name="Prendre cette demande").click()
    page.wait_for_load_state()
    assert "La demande vous est attribuée" in page.locator("main").inner_text()
    phone.check_page("review-case-taken-fr")
    page.locator("a[href$='/correct/housing']").click()
    page.wait_for_url("**/correct/housing")
    phone.check_page("review-correct-housing-fr")
    page.go_back()
    page.fill(
        "textarea[name=decision_reason]",
        "La quittance montre un loyer de 900 DH : l'indice est maintenu.",
    )
    page.get_by_role("button", name="Confirmer l'indice").click()
    page.wait_for_load_state()
    assert "Décision enregistrée" in page.locator("main").inner_text()
    phone.check_page("review-decided-fr")
    sign_out(phone)

    phone.sign_in("youssef", "ar")
    phone.goto(f"/reviews/{number}?lang=ar")
    text = page.locator("main").inner_text()
    assert "تم تأكيد المؤشر" in text and "900 DH" in text
    phone.check_page("review-decision-ar")
