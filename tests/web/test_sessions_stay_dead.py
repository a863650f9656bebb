"""A session that ended stays ended, even for a request that was running when
it ended. The attack: a slow request finished after POST /logout, its
session save found no row to update and inserted it again, and the old
cookie then opened /me and the data copy."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from app import clock
from app.models import WebSession
from app.web.sessions import purge_expired_sessions
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in


def session_rows(db: Session, token: str) -> int:
    db.expire_all()
    digest = hashlib.sha256(token.encode()).hexdigest()
    return len(
        db.execute(text("SELECT 1 FROM web_sessions WHERE id_hash = :h"), {"h": digest}).all()
    )


def wait_until_blocked(db: Session) -> None:
    """Until some backend waits on a lock (the request we hold): a condition, not a delay."""
    for _ in range(600):
        waiting = db.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        ).scalar()
        db.rollback()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the request never reached the lock")


def log_out(client: CheckingClient, app: Flask, db: Session) -> None:
    token = csrf_token_in(client.get("/logout"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def purge(client: CheckingClient, app: Flask, db: Session) -> None:
    # The session falls idle past its timeout, and the daily purge removes it.
    db.execute(update(WebSession).values(last_seen_at=clock.now() - timedelta(hours=1)))
    db.commit()
    with app.app_context():
        assert purge_expired_sessions(db, app) == 1


@pytest.mark.parametrize("end", [log_out, purge], ids=["logout", "purge"])
def test_a_request_held_across_the_end_of_its_session_does_not_bring_it_back(
    app: Flask,
    client: CheckingClient,
    demo: None,
    db: Session,
    end: Callable[[CheckingClient, Flask, Session], None],
) -> None:
    login_as(client, "youssef")
    cookie = client.get_cookie("rsu_session")
    assert cookie is not None and session_rows(db, cookie.value) == 1
    # Last seen two minutes ago: the slow request will write the session back.
    db.execute(update(WebSession).values(last_seen_at=clock.now() - timedelta(minutes=2)))
    db.commit()

    slow = app.test_client()
    slow.set_cookie("rsu_session", cookie.value)
    engine = app.extensions["rsu_db"].kw["bind"]
    with engine.connect() as holder:
        holder.execute(text("BEGIN"))
        holder.execute(text("LOCK TABLE households IN ACCESS EXCLUSIVE MODE"))
        statuses: list[int] = []
        request = threading.Thread(
            target=lambda: statuses.append(slow.get("/household").status_code)
        )
        request.start()
        wait_until_blocked(db)  # /household is waiting for the table
        end(client, app, db)
        assert session_rows(db, cookie.value) == 0
        holder.execute(text("COMMIT"))  # the slow request goes on, and ends
        request.join(60)
    assert statuses == [200]
    assert session_rows(db, cookie.value) == 0
    again = app.test_client()
    again.set_cookie("rsu_session", cookie.value)
    assert again.get("/me").status_code == 302  # to the login page
    assert again.get("/privacy/my-data.json").status_code == 302
