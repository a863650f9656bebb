"""Server-side sessions stored in the database.

The cookie carries only a random 256-bit id; the table keeps its SHA-256. So
logout, the idle timeout and the absolute timeout revoke a session for real:
a copied cookie is dead once the row is gone. The session holds ids, never
personal data.

We write our own interface instead of Flask-Session's SQLAlchemy backend:
that backend needs Flask-SQLAlchemy and creates its table outside our
migrations, which the model/migration comparison test would then flag.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.datastructures import CallbackDict

from app import clock
from app.db import leave_reading, read_without_transaction
from app.models import Account, WebSession
from app.web.database_away import (
    database_unavailable,
    is_database_unreachable,
    mark_database_unavailable,
    needs_database,
)

# Refreshing last_seen_at on every request would make every page a write; a
# minute of precision is plenty for a 30-minute idle timeout.
TOUCH_INTERVAL = timedelta(seconds=60)


# The signed-in account (with its person and staff record, which it loads
# eagerly) comes with the session row, in one query: it lands in the identity
# map, so ``load_account`` finds it there without another. Built once: every
# request runs it, and composing it cost as much as SQLAlchemy's cached run.
SESSION_WITH_ACCOUNT = (
    select(WebSession, Account)
    .outerjoin(Account, Account.id == WebSession.account_id)
    .where(WebSession.id_hash == bindparam("id_hash"))
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict[str, Any], SessionMixin):
    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        token: str | None = None,
        row_exists: bool = False,
        authenticated_at: datetime | None = None,
        last_seen_at: datetime | None = None,
    ) -> None:
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.row_exists = row_exists
        self.authenticated_at = authenticated_at
        self.last_seen_at = last_seen_at
        self.modified = False
        self.old_token: str | None = None
        self.destroyed = False
        self.account: Account | None = None

    def regenerate(self) -> None:
        """Give the session a new id (at login), so a planted id is worthless."""
        self.old_token = self.token if self.row_exists else None
        self.token = None
        self.row_exists = False
        self.modified = True

    def destroy(self) -> None:
        """End the session now: the row is deleted and the cookie cleared."""
        self.clear()
        self.destroyed = True

    def mark_authenticated(self) -> None:
        self.authenticated_at = clock.now()
        self.modified = True


class DatabaseSessionInterface(SessionInterface):
    """Reads and writes session rows on the request's own database session.

    One connection serves the whole request (session, account, use case).
    Before writing, anything a view left unfinished is rolled back, never
    committed along: the use cases commit their own work.
    """

    @staticmethod
    def _db() -> Session:
        from app.extensions import db

        return db.session

    def _expired(self, app: Flask, row: WebSession, now: datetime) -> bool:
        idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
        absolute = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
        if now - row.last_seen_at > idle:
            return True
        started = row.authenticated_at or row.created_at
        return now - started > absolute

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 128 or not needs_database(request, app.static_url_path):
            return ServerSession()
        db = self._db()
        try:
            # A GET or HEAD reads it outside a transaction, and enters one
            # unless its view only reads (``app.web.reads_only``). Any other
            # method posts a form, whose view writes: the row is read in the
            # transaction of that write, with no switch between the two
            # (measured: the switch was 3 % of a registration submit's time).
            if request.method in ("GET", "HEAD"):
                read_without_transaction(db)
            found = db.execute(SESSION_WITH_ACCOUNT, {"id_hash": _hash(token)}).first()
            row, account = (found[0], found[1]) if found is not None else (None, None)
        except SQLAlchemyError as error:
            if not is_database_unreachable(error):
                raise
            mark_database_unavailable(error)  # the request then answers 503
            return ServerSession()
        if row is None:
            return ServerSession()
        now = clock.now()
        if self._expired(app, row, now):
            leave_reading(db)
            db.delete(row)
            db.commit()
            return ServerSession()
        opened = ServerSession(
            dict(row.data),
            token=token,
            row_exists=True,
            authenticated_at=row.authenticated_at,
            last_seen_at=row.last_seen_at,
        )
        # The identity map holds objects weakly: this reference keeps the
        # account there for the request.
        opened.account = account
        return opened

    def save_session(  # type: ignore[override]
        self, app: Flask, session: ServerSession, response: Response
    ) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        now = clock.now()

        if database_unavailable():
            return  # the cookie stays as it was: the session is still good for later
        deleting = session.destroyed or (not session and session.modified)
        if not deleting and not session and not session.row_exists:
            return  # nothing to keep: no row, no cookie
        touch_due = session.last_seen_at is None or now - session.last_seen_at > TOUCH_INTERVAL
        if not deleting and session.row_exists and not session.modified and not touch_due:
            return
        db = self._db()
        db.rollback()
        if session.old_token:
            db.execute(delete(WebSession).where(WebSession.id_hash == _hash(session.old_token)))
        if deleting:
            if session.row_exists and session.token:
                db.execute(delete(WebSession).where(WebSession.id_hash == _hash(session.token)))
            db.commit()
            if session.row_exists or session.destroyed:
                response.delete_cookie(name, domain=domain, path=path)
            return

        values = {
            "data": dict(session),
            "account_id": session.get("account_id"),
            "authenticated_at": session.authenticated_at,
            "last_seen_at": now,
        }
        if session.row_exists:
            assert session.token is not None
            result = db.execute(
                update(WebSession)
                .where(WebSession.id_hash == _hash(session.token))
                .values(**values)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                # The row went while this request ran: a logout, a timeout or a
                # purge ended the session. Only a session this request created
                # may be inserted, so a slow request cannot bring it back.
                db.commit()
                response.delete_cookie(name, domain=domain, path=path)
                return
        else:
            # New in this request: no cookie came in, or the one that did named
            # no live session, or regenerate() gave it a fresh id at login.
            session.token = secrets.token_urlsafe(32)
            db.execute(
                insert(WebSession).values(id_hash=_hash(session.token), created_at=now, **values)
            )
        db.commit()

        response.set_cookie(
            name,
            session.token,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=domain,
            path=path,
            # A browser-session cookie: the server decides when the session ends.
        )


def purge_expired_sessions(db: Session, app: Flask) -> int:
    """Delete sessions past their idle or absolute timeout. Returns how many went."""
    now = clock.now()
    idle_cutoff = now - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    absolute_cutoff = now - timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    result = db.execute(
        delete(WebSession).where(
            (WebSession.last_seen_at < idle_cutoff) | (WebSession.created_at < absolute_cutoff)
        )
    )
    db.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
