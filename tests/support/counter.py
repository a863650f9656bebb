"""Serving a citizen at the counter through the desk's pages."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.models import OutboxMessage
from tests.support.login import login_as
from tests.support.pages import csrf_token_in


def search(client: FlaskClient, number: str, id_type: str = "cnie") -> TestResponse:
    token = csrf_token_in(client.get("/counter"))
    return client.post("/counter", data={"csrf_token": token, "id_type": id_type, "number": number})


def send_code(
    client: FlaskClient, action: str = "/counter/citizen/code/send", page: str = "/counter/citizen"
) -> TestResponse:
    return client.post(action, data={"csrf_token": csrf_token_in(client.get(page))})


def latest_code(db: Session) -> str:
    """The code in the last SMS queued: what the citizen would read out."""
    db.expire_all()
    message = db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "consent_code")
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    assert message is not None and message.payload["code"]
    return str(message.payload["code"])


def enter_code(client: FlaskClient, code: str) -> TestResponse:
    token = csrf_token_in(client.get("/counter/citizen/code"))
    return client.post("/counter/citizen/code", data={"csrf_token": token, "code": code})


def serve(
    client: FlaskClient, db: Session, cnie: str = "AB123456", agent: str = "agent.salma"
) -> TestResponse:
    """Sign in as the agent, find the citizen, send a code, type it: the session opens."""
    login_as(client, agent)
    assert search(client, cnie).status_code == 302
    assert send_code(client).status_code == 302
    return enter_code(client, latest_code(db))


def end_session(client: FlaskClient) -> TestResponse:
    token = csrf_token_in(client.get("/counter"))
    return client.post("/counter/session/end", data={"csrf_token": token})


def serve_with_card(
    client: FlaskClient, cnie: str = "AB123456", reason: str = "phone_lost",
    agent: str = "agent.salma",
) -> TestResponse:  # fmt: skip
    """Without a code: the agent records the card they saw and why no SMS."""
    from datetime import timedelta

    from app import clock

    login_as(client, agent)
    assert search(client, cnie).status_code == 302
    form = "/counter/citizen/identity-check"
    token = csrf_token_in(client.get(form))
    expires_on = (clock.today() + timedelta(days=400)).isoformat()
    data = {"csrf_token": token, "cnie": cnie, "expires_on": expires_on, "reason": reason}
    return client.post(form, data=data)
