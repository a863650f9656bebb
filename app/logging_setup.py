"""Logging that never writes a national id, a phone number, a code or a token.

One filter, on every handler of the root logger (and on the development
server's logger), cleans each record before it is written: its message, its
exception text and its traceback. A database error is the usual way such
values slip in (a failed statement quotes its parameters), so the engine
also hides parameters from its errors (``app.db.make_engine``). This is a
net under the rule, not the rule itself: code must not log them in the
first place.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    # OAuth values in URLs, and the session cookie in a header dump.
    (
        re.compile(r"([?&](?:code|state|session_state|id_token|access_token)=)[^&\s\"]+"),
        r"\1[redacted]",
    ),
    (re.compile(r"(rsu_session=)[^;\s\"]+"), r"\1[redacted]"),
    # Tokens and session ids: long runs of URL-safe characters with letters
    # and digits (a long function name in a traceback has no digits).
    (
        re.compile(
            r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9_-]{32,}(?![\w-])", re.ASCII
        ),
        "[token]",
    ),
    (re.compile(r"\+?212[5-7]\d{8}\b"), "[phone]"),
    (re.compile(r"(?<!\d)\d{10}(?!\d)"), "[id]"),  # IDCS, and phones written 06…
    (re.compile(r"\b[A-Z]{1,2}\d{5,8}\b"), "[id]"),  # CNIE
    (re.compile(r"(?<!\d)\d{6}(?!\d)"), "[code]"),  # one-time codes
)

# Formats a record's exception the way handlers would, so that it can be cleaned first.
_EXCEPTION_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Cleans the message, the exception text and the stack of every record.

    Handlers write ``record.exc_text`` when it is set instead of formatting
    the exception again, so the cleaned traceback is the one written.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _EXCEPTION_FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure_logging(level: str | None) -> None:
    root = logging.getLogger()
    if not any(isinstance(h, logging.StreamHandler) for h in root.handlers):
        handler: logging.Handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    root.setLevel(level or "INFO")
    # Alembic announces each of its plugins at INFO whenever it is imported.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # The development server logs each request line through this logger.
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(RedactingFilter())
