"""Pages that only read run outside a database transaction.

For a GET or HEAD, the session row and its account are read outside a
transaction (``DatabaseSessionInterface.open_session``,
``app.db.read_without_transaction``). A view marked ``@reads_only`` goes on
that way and is spared BEGIN and ROLLBACK; any other view gets a
transaction, as before, from its first statement on. (A POST reads its
session row in its transaction from the start: its view writes.) In a
marked view, a use case that writes (``transaction``, e.g. ending an
assisted session that expired) leaves this mode first and writes in a
transaction; a write outside one is refused (``app.db``): the mark is
checked, not merely trusted. Saving the web session (a touch of
last_seen_at, a new CSRF token) rolls back first, so it writes in a
transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from app.db import leave_reading

F = TypeVar("F", bound=Callable[..., Any])
READS_ONLY_ATTRIBUTE = "_reads_only"


def reads_only(view: F) -> F:
    """Mark a view that reads the database and writes nothing to it."""
    setattr(view, READS_ONLY_ATTRIBUTE, True)
    return view


def enter_transaction_unless_reads_only() -> None:
    """before_request: the request's statements go in a transaction again,
    unless its view is marked ``@reads_only``."""
    from app.extensions import db

    if "db_session" not in g:
        return  # no database session yet: its first statement begins a transaction
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not getattr(view, READS_ONLY_ATTRIBUTE, False):
        leave_reading(db.session)


def init_reads_only(app: Flask) -> None:
    app.before_request(enter_transaction_unless_reads_only)
