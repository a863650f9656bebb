"""youssef gets a certificate in Arabic; a school checks it in French, at 360 px."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.identifiers import format_certificate_number
from app.models import Certificate
from tests.e2e.conftest import Phone


def test_a_certificate_issued_in_arabic_and_checked_in_french(
    phone: Phone, demo: None, db: Session
) -> None:
    page = phone.page
    phone.sign_in("youssef", "ar")
    phone.goto("/me?lang=ar")
    page.locator("a[href='/certificates']").click()
    page.wait_for_url("**/certificates")
    phone.check_page("certificates-ar")
    page.locator("form:has(input[value=score]) button[type=submit]").click()
    page.wait_for_url("**/certificates#c-*")
    assert "سارية" in page.locator("main").inner_text()
    phone.check_page("certificates-issued-ar")
    certificate = db.scalar(select(Certificate))
    assert certificate is not None
    with page.expect_download() as download:
        page.locator(f"a[href='/certificates/{certificate.number}.pdf']").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()

    # A school's secretary, not signed in, types the number from the paper.
    phone.goto("/verify?lang=fr")
    phone.check_page("verify-fr")
    page.fill("input[name=number]", "1234 5678 9012 3456 7890")  # a typing error
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary a[href='#number']").count() == 1
    phone.check_page("verify-typo-fr")
    page.fill("input[name=number]", format_certificate_number(certificate.number).replace("-", " "))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/verify/{format_certificate_number(certificate.number)}")
    text = page.locator("main").inner_text()
    assert "Authentique et valable" in text and "Youssef E." in text
    phone.check_page("verify-valid-fr")
    phone.goto(f"/verify/{certificate.number}?lang=ar")
    phone.check_page("verify-valid-ar")
