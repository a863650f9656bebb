"""When the database cannot be reached: a 503 page, never a 500, and liveness answers.

Every request that may need the database checks out its connection first
(``require_database``): a connection that sat idle is pinged then
(``app.db``), so a database that is away is a friendly 503 page with
``Retry-After`` before any view starts. A database that goes away in the
middle of a request, or between two requests on a busy connection, gives
the same page from the first statement that fails.

The page is rendered without touching the database: the signed-in account
is forgotten for this response, and the session is neither read nor written
(``app.web.sessions`` checks ``database_unavailable``). Liveness
(``/healthz``), the metrics and our static files never open the session at
all, so they answer while the database is away, and the 503 page keeps its
stylesheet.
The connection pool needs no help to recover: a disconnection discards the
pool's older connections, an idle one is pinged, and a dead one is replaced.
"""

from __future__ import annotations

import logging

from flask import Flask, Request, Response, g, make_response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
# Answers while the database is away, without its figures: operators then
# still see the requests, and the 503s among them.
METRICS_PATH = "/metrics"
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailable(HTTPException):
    code = 503
    description = "The database cannot be reached."


def is_database_unreachable(error: BaseException) -> bool:
    """A connection that could not be made or was lost, or a pool with none to give.

    Not a statement that failed on a live connection (a lock or statement
    timeout, a deadlock): that is a fault of ours, logged as one.
    """
    if isinstance(error, InterfaceError | PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    # No SQLSTATE: the client could not reach or keep the server. Class 08 is
    # a connection exception; 57P, the server shutting down or starting up;
    # 53300, no connection left on the server.
    state = getattr(error.orig, "sqlstate", None)
    return isinstance(error, OperationalError) and (
        state is None or state.startswith(("08", "57P", "53300"))
    )


def needs_database(request: Request, static_url_path: str | None) -> bool:
    """Every request but liveness, the metrics and our own static files."""
    if request.path in (LIVENESS_PATH, METRICS_PATH):
        return False
    return not (static_url_path and request.path.startswith(static_url_path + "/"))


def database_unavailable() -> bool:
    """True once this request found the database away: nothing may touch it any more."""
    return bool(g.get("database_unavailable"))


def mark_database_unavailable(error: BaseException) -> None:
    log.warning("database unreachable: %s", type(error).__name__)
    g.database_unavailable = True


def require_database() -> None:
    """before_request: a connection for this request, or the 503 page."""
    from flask import current_app, request

    from app.extensions import db

    if not needs_database(request, current_app.static_url_path):
        return
    if database_unavailable():  # the session could not be read
        raise DatabaseUnavailable()
    db.session.connection()


def unavailable_page() -> Response:
    """The 503 page, in the visitor's language, rendered from templates alone."""
    from app.web.errors import render_error

    g.database_unavailable = True
    # Rendering must not load the account or the assisted session (lazy
    # relationships would query): the page is the anonymous one.
    g.account = None
    g.acting = None
    body, status = render_error(DatabaseUnavailable.code)
    response = make_response(body, status)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_database_away(app: Flask) -> None:
    """The check before each request. Errors raised later reach the portal's
    catch-all handler (``app.web.errors``), which asks ``is_database_unreachable``."""
    app.before_request(require_database)

    @app.errorhandler(DatabaseUnavailable)
    def _unavailable(_error: DatabaseUnavailable) -> Response:
        return unavailable_page()
