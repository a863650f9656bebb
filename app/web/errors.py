"""Error pages in both languages. They never show a stack trace or internal detail."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from app.domain.errors import DomainError
from app.web.messages import REFUSALS, refusal_text

log = logging.getLogger(__name__)

# (title, explanation) for each status we answer with a page of our own.
ERROR_TEXTS = {
    400: (
        _l("Something in the request was not right"),
        _l("Go back to the previous page and try again."),
    ),
    403: (
        _l("You cannot open this page"),
        _l("This page is not available with the account you are signed in with."),
    ),
    404: (
        _l("Page not found"),
        _l("Check the address. If you typed it, make sure every character is right."),
    ),
    405: (
        _l("This page cannot be used this way"),
        _l("Go back to the previous page and use its buttons and links."),
    ),
    413: (
        _l("What you sent is too large"),
        _l("Nothing was saved. Shorten your answers or send smaller files, then try again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("For your protection, wait a while before trying again."),
    ),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Nothing you did caused this. Try again later."),
    ),
    503: (
        _l("The service is unavailable for a moment"),
        _l("Nothing you did caused this. Try again in a few minutes."),
    ),
}
CSRF_TEXTS = (
    _l("This form has expired"),
    _l("For your security, forms expire. Go back, reload the page and send the form again."),
)


def render_error(status: int, texts: tuple[object, object] | None = None) -> tuple[str, int]:
    fallback = ERROR_TEXTS[400 if status < 500 else 500]
    title, explanation = texts or ERROR_TEXTS.get(status, fallback)
    return (
        render_template("errors/error.html", status=status, title=title, explanation=explanation),
        status,
    )


# A refusal no view handled: the page says what was refused, never a 500.
REFUSAL_STATUS = {
    "invalid": 400,
    "not_found": 404,
    "no_draft": 404,
    "forbidden": 403,
    "draft_too_large": 413,
}


def init_errors(app: Flask) -> None:
    from app.web.database_away import (
        is_database_unreachable,
        mark_database_unavailable,
        unavailable_page,
    )

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        return render_error(400, CSRF_TEXTS)

    @app.errorhandler(SecurityError)
    def _untrusted_host(_error: SecurityError) -> Response:
        # The Host header is not the portal's (TRUSTED_HOSTS, production). No
        # page of ours can be built for a host we do not serve: its links
        # would point there. Only proxies, probes and attackers see this.
        return Response("400 Bad Request: unknown host\n", status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(DomainError)
    def _refused(error: DomainError) -> tuple[str, int]:
        status = REFUSAL_STATUS.get(error.code, 409)
        title, explanation = ERROR_TEXTS.get(status, ERROR_TEXTS[400])
        said = refusal_text(error.code) if error.code in REFUSALS else explanation
        return render_error(status, (title, said))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int] | Response:
        # Errors raised outside a view (opening or saving the session) arrive
        # wrapped in an InternalServerError.
        original = getattr(error, "original_exception", None) or error
        if is_database_unreachable(original):
            mark_database_unavailable(original)
            return unavailable_page()
        if isinstance(error, HTTPException) and original is error:
            return _http(error)  # type: ignore[return-value]
        log.exception("unexpected error", exc_info=original)
        return render_error(InternalServerError.code)
