"""Logging that never writes a national id, a phone number, a code or a token.

Two formats (``LOG_FORMAT``): ``text``, one line per record for people, and
``json``, one JSON object per line for a log collector (python-json-logger),
with the request's id, and for the request line its route, status and
duration. Both carry the id of the request the record was written in
(``app.request_ids``), ``-`` outside one.

One filter, on every handler of the root logger (and on the development
server's logger), cleans each record before it is written: its message, its
exception text and its traceback. A database error is the usual way such
values slip in (a failed statement quotes its parameters), so the engine
also hides parameters from its errors (``app.db.make_engine``). This is a
net under the rule, not the rule itself: code must not log them in the
first place.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from app import request_ids

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"

# What names a person: a phone number, an IDCS, a CNIE number.
_PERSON_PATTERNS = (
    (re.compile(r"\+?212[5-7]\d{8}\b"), "[phone]"),
    (re.compile(r"(?<!\d)\d{10}(?!\d)"), "[id]"),  # IDCS, and phones written 06…
    (re.compile(r"\b[A-Z]{1,2}\d{5,8}\b"), "[id]"),  # CNIE
)
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
    *_PERSON_PATTERNS,
    (re.compile(r"(?<!\d)\d{6}(?!\d)"), "[code]"),  # one-time codes
)

# Formats a record's exception the way handlers would, so that it can be cleaned first.
_EXCEPTION_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def is_a_persons_number(text: str) -> bool:
    """True when the whole text is what looks like a phone number, an IDCS or a CNIE."""
    return any(pattern.fullmatch(text) for pattern, _ in _PERSON_PATTERNS)


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


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record (``request_id``), unless the
    record carries one already (the outbox worker names its message's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            current = request_ids.current()
            if current is not None:
                record.request_id = current
        return True


class RedactingJsonFormatter(JsonFormatter):
    """One JSON object per record. Every text in it is cleaned again: the
    library formats the traceback itself, and code may pass values through
    ``extra``. The request id is left whole: it is ours, or checked at the door
    (``app.request_ids.accepted``), and a long hex id would read as a token."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        # As JSON first, the library's way (objects in ``extra`` become dicts and
        # texts), so that nothing escapes the cleaning inside an object.
        plain: dict[str, Any] = json.loads(self.jsonify_log_record(log_data))
        return {
            key: value if key == "request_id" else _cleaned(value) for key, value in plain.items()
        }


def _cleaned(value: Any) -> Any:
    """Every text in a value, however deep (a library's ``extra`` may hold a whole dict)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def formatter_for(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return RedactingJsonFormatter(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
        )
    # Outside a request, "-" stands for the id.
    return logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-"})


HANDLER_NAME = "rsu-portal"


def configure_logging(level: str | None, log_format: str = "text") -> None:
    root = logging.getLogger()
    ours = [h for h in root.handlers if h.get_name() == HANDLER_NAME]
    if not ours and not any(isinstance(h, logging.StreamHandler) for h in root.handlers):
        handler: logging.Handler = logging.StreamHandler()
        handler.set_name(HANDLER_NAME)
        root.addHandler(handler)
        ours = [handler]
    for handler in ours:
        handler.setFormatter(formatter_for(log_format))
    for handler in root.handlers:
        add_filters(handler)
    root.setLevel(level or "INFO")
    # Alembic announces each of its plugins at INFO whenever it is imported.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # The development server logs each request line through this logger.
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(RedactingFilter())


def add_filters(handler: logging.Handler) -> None:
    """The redactor, then the request id, on a handler (once)."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
        handler.addFilter(RequestIdFilter())
