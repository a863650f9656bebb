"""The page language is the browser's; the language of a person's SMS and
emails changes only by their explicit choice on /me. The attack: a GET with
``?lang=fr`` (a link anyone can send) changed the stored preference, and
with it the language of the person's SMS."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, AuditEvent
from app.services.outbox import language_of
from tests.support.counter import serve
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, soup_of, text_of


def stored_language(db: Session, subject: str) -> str | None:
    db.expire_all()
    account = db.scalar(select(Account).where(Account.subject == subject))
    assert account is not None
    return account.preferred_locale


def choose(client: CheckingClient, language: str) -> int:
    token = csrf_token_in(client.get("/me"))
    data = {"csrf_token": token, "language": language}
    return client.post("/me/message-language", data=data).status_code


def test_a_get_with_lang_changes_the_page_not_the_stored_preference(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    before = stored_language(db, "youssef")
    page = client.get("/me?lang=fr")
    assert soup_of(page).find("html")["lang"] == "fr"  # type: ignore[index]
    assert "lang=fr" in page.headers.get("Set-Cookie", "")
    assert stored_language(db, "youssef") == before != "fr"
    youssef = db.scalar(select(Account.person_id).where(Account.subject == "youssef"))
    assert language_of(db, youssef) == "ar"  # his SMS stay in Arabic


def test_the_message_language_is_chosen_on_me_through_a_form(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    for page_language in ("ar", "fr"):  # the form is there in both languages
        form = soup_of(client.get(f"/me?lang={page_language}")).find(
            "form", action="/me/message-language"
        )
        assert form is not None and form.find("input", attrs={"name": "csrf_token"})
    assert choose(client, "fr") == 302
    assert stored_language(db, "youssef") == "fr"
    assert "Enregistré" in text_of(client.get("/me?lang=fr"))
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "message_language_chosen"))
    # Without the form's token, or with another value, nothing changes.
    assert client.post("/me/message-language", data={"language": "ar"}).status_code == 400
    assert choose(client, "en") == 400
    assert stored_language(db, "youssef") == "fr"


def test_an_agent_acting_for_a_citizen_cannot_choose_for_them(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(app.test_client(), "youssef")  # his account exists, with no choice made
    serve(client, db)
    page = client.get("/me")
    assert soup_of(page).find("form", action="/me/message-language") is None
    token = csrf_token_in(page)
    response = client.post("/me/message-language", data={"csrf_token": token, "language": "fr"})
    assert response.status_code == 403
    assert stored_language(db, "youssef") is None
