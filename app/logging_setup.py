"""Logging that never writes a national id, a phone number or a token.

Handlers get a filter that masks IDCS-like and CNIE-like numbers, phone
numbers and OAuth ``code``/``state`` values in every record, including the
access lines of the development server. This is a net under the rule, not
the rule itself: code must not log them in the first place.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    (
        re.compile(r"([?&](?:code|state|session_state|id_token|access_token)=)[^&\s\"]+"),
        r"\1[redacted]",
    ),
    (re.compile(r"\+?212[67]\d{8}\b"), "[phone]"),
    (re.compile(r"(?<!\d)\d{10}(?!\d)"), "[id]"),
    (re.compile(r"\b[A-Z]{1,2}\d{5,8}\b"), "[id]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
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
