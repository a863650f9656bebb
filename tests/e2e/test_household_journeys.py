"""youssef declares a birth in Arabic and a move in French, at 360 px."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.models import Person
from tests.e2e.conftest import Phone
from tests.support.dates import fill_date
from tests.support.live_page import radio, wait_for_htmx


def test_a_birth_in_arabic(phone: Phone, demo: None, db: Session) -> None:
    born = date.today() - timedelta(days=20)
    db.add(Person(idcs="1000000298", first_name_ar="ياسين", last_name_ar="العمراني", first_name_latin="Yassine",
                  last_name_latin="El Amrani", birth_date=born, sex="M", in_rnp=True))  # fmt: skip
    db.commit()
    page = phone.page
    phone.sign_in("youssef", "ar")
    phone.goto("/household?lang=ar")
    phone.check_page("household-ar")
    page.locator("a[href='/household/changes/new']").first.click()
    phone.check_page("changes-ar")
    page.locator("a[href='/household/changes/birth']").click()
    page.fill("input[name=idcs]", "1000000298")
    fill_date(page, "birth_date", born.isoformat())
    page.select_option("select[name=relation]", "child")
    radio(page, "marital_status", "single")
    page.select_option("select[name=education]", "none")
    radio(page, "activity", "other")
    radio(page, "disability", "no")
    radio(page, "health_coverage", "amo_tadamon")
    phone.check_page("change-birth-ar")
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/household/versions/2")
    text = page.locator("main").inner_text()
    assert "ياسين العمراني" in text and "انضم إلى الأسرة" in text
    phone.check_page("version-birth-ar")


def test_a_move_in_french(phone: Phone, demo: None) -> None:
    page = phone.page
    phone.sign_in("youssef", "fr")
    phone.goto("/household/changes/residence?lang=fr")
    page.select_option("select[name=region]", "rabat-sale-kenitra")
    wait_for_htmx(page)
    page.select_option("select[name=province]", "sale")
    radio(page, "milieu", "urban")
    page.fill("textarea[name=address]", "22 avenue Hassan II, Salé")
    phone.check_page("change-move-fr")
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/household/versions/2")
    text = page.locator("main").inner_text()
    assert "Votre changement est enregistré" in text and "Salé" in text
    phone.check_page("version-move-fr")
    phone.goto("/household/deregister?lang=fr")
    phone.check_page("deregister-fr")
