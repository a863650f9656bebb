"""youssef, reading the portal in French on a phone, asks for his SMS in
French: with the keyboard alone, on /me. Then the page in Arabic."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account
from tests.e2e.conftest import Phone


def test_youssef_chooses_the_language_of_his_messages(
    phone: Phone, demo: None, db: Session
) -> None:
    page = phone.page
    phone.sign_in("youssef", "fr")
    phone.goto("/me")
    french = page.get_by_role("radio", name="Français")
    french.focus()  # reached and chosen from the keyboard
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("nos SMS et e-mails vous parviendront dans cette langue").wait_for()
    assert page.get_by_role("radio", name="Français").is_checked()
    phone.check_page("me-message-language-fr")
    db.expire_all()
    assert db.scalar(select(Account.preferred_locale).where(Account.subject == "youssef")) == "fr"

    phone.goto("/me?lang=ar")  # the page in Arabic; his messages stay in French
    assert page.get_by_role("radio", name="Français").is_checked()
    phone.check_page("me-message-language-ar")
    db.expire_all()
    assert db.scalar(select(Account.preferred_locale).where(Account.subject == "youssef")) == "fr"
