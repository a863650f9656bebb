"""Logins in progress in this browser, each keyed by its ``state``.

Two tabs, or an old tab beside a new one, each start their own login; each
must find its own when the provider sends it back. A callback whose state
matches none of them (forged, replayed, or simply stale) is refused without
touching the others: an attacker who can make a browser open a URL must not
be able to cancel a citizen's login in progress.

A login is taken out when its callback arrives, whatever the outcome, so a
state works once. The others survive a sign-in in another tab (the session
gets a new id, not a new list). The list is short and each entry expires:
the provider's codes live minutes, not hours.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import session

from app import clock
from app.integrations.identity import PendingLogin

SESSION_KEY = "pending_logins"
MAX_PENDING = 5
PENDING_SECONDS = 15 * 60


def _current() -> dict[str, dict[str, Any]]:
    """The pending logins still in time, by state."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return {}
    oldest = clock.now().timestamp() - PENDING_SECONDS
    return {
        state: entry
        for state, entry in stored.items()
        if isinstance(entry, dict) and float(entry.get("started_at", 0)) >= oldest
    }


def _save(pending: dict[str, dict[str, Any]]) -> None:
    # Reassigned, never changed in place: the session saves on assignment.
    if pending:
        session[SESSION_KEY] = pending
    else:
        session.pop(SESSION_KEY, None)


def remember(login: PendingLogin, next_url: str | None) -> None:
    """Keep a new login; the oldest goes when there are too many."""
    pending = _current()
    pending[login.state] = {
        "login": login.to_dict(),
        "next": next_url,
        "started_at": clock.now().timestamp(),
    }
    newest = sorted(pending.items(), key=lambda item: item[1]["started_at"])[-MAX_PENDING:]
    _save(dict(newest))


def take(state: str | None) -> tuple[PendingLogin | None, str | None]:
    """The login this callback's state belongs to, and where to go after it.

    (None, None) when no login in progress has this state; the others stay.
    """
    pending = _current()
    match = next(
        (key for key in pending if state and hmac.compare_digest(key.encode(), state.encode())),
        None,
    )
    if match is None:
        # Nothing is saved: a stranger's forged callback writes no session.
        return None, None
    entry = pending.pop(match)
    _save(pending)
    next_url = entry.get("next")
    return PendingLogin.from_dict(entry.get("login")), next_url if isinstance(
        next_url, str
    ) else None


def still_pending() -> dict[str, dict[str, Any]]:
    """The logins in progress, to carry into the new session at sign-in."""
    return _current()


def carry_over(pending: dict[str, dict[str, Any]]) -> None:
    _save(pending)
