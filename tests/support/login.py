"""Logging in through the real OIDC flow: our /login, the provider's form, our callback."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.models import Account, AuditEvent, Person, StaffUser, WebSession
from tests.support.pages import csrf_token_in


def start_login(client: FlaskClient) -> str:
    """Press "continue" on /login; returns the provider URL we are sent to."""
    login_page = client.get("/login")
    if login_page.status_code == 302:  # signed in already: start afresh, as a new browser would
        client.delete_cookie("rsu_session")
        login_page = client.get("/login")
    token = csrf_token_in(login_page)
    response = client.post("/login", data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def login_as(client: FlaskClient, subject: str) -> TestResponse:
    """Sign in as a provider subject, as a browser would. Returns the callback's response."""
    authorize_url = start_login(client)
    # The provider's own form, submitted over HTTP.
    answer = requests.post(authorize_url, data={"sub": subject}, allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303), answer.text[:300]
    callback = urlsplit(answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def rows_a_login_writes(db: Session) -> tuple[int, ...]:
    """Persons, accounts, staff members, audit rows and signed-in sessions: a
    refused login must leave each count as it was."""
    db.expire_all()
    signed_in = (
        select(func.count()).select_from(WebSession).where(WebSession.account_id.is_not(None))
    )
    return (
        db.scalar(select(func.count()).select_from(Person)) or 0,
        db.scalar(select(func.count()).select_from(Account)) or 0,
        db.scalar(select(func.count()).select_from(StaffUser)) or 0,
        db.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        db.scalar(signed_in) or 0,
    )
