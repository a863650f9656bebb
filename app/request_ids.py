"""The request id: one name for one request, from the balancer to the SMS.

The balancer names each request in the ``X-Request-ID`` header; a request
that comes without one (or with one we cannot trust, below) gets one made
here. The id is on every log line written while the request runs (the
logging filter reads ``current()``), in the response's ``X-Request-ID``
header, on each audit record and each outbox message written for the
request; the outbox worker logs it again when it sends the message.

It lives in a context variable rather than on Flask's ``g`` so that services,
which know nothing of Flask, and the outbox worker, which has no request,
read and set it the same way.

A header value is taken only when it is 1 to 64 characters of
``[A-Za-z0-9._-]``, and is not, as a whole, a national id or a phone number
(the shapes the log redactor hides): it is written raw into logs and rows,
so it must not be able to carry a line break, markup, or someone's number
sent as an id. Anything else is replaced by a fresh id, never echoed.

Only the whole value is judged: a balancer's ids (hex, UUIDs, nginx's
``$request_id``) often hold ten digits in a row, and replacing those would
break the trace for a share of requests. The balancer sets the header on
every request, replacing whatever a client sent (``deploy/README.md``), so
that what arrives is its id, not a visitor's text.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

# A module, not a name: logging_setup reads this module's id in turn.
from app import logging_setup

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str | None] = ContextVar("rsu_request_id", default=None)


def new() -> str:
    """A fresh id: 128 random bits in hex."""
    return secrets.token_hex(16)


def accepted(sent: str | None) -> str | None:
    """The id a client or the balancer sent, if it may be used as it is."""
    if sent is None or not WELL_FORMED.fullmatch(sent) or logging_setup.is_a_persons_number(sent):
        return None
    return sent


def current() -> str | None:
    """The id of the request (or outbox message) being handled, None outside one."""
    return _current.get()


def bind(request_id: str | None) -> Token[str | None]:
    return _current.set(request_id)


def unbind(token: Token[str | None]) -> None:
    _current.reset(token)


@contextmanager
def bound(request_id: str | None) -> Iterator[None]:
    """Run a block under this id (the outbox worker, for each message it sends)."""
    token = bind(request_id)
    try:
        yield
    finally:
        unbind(token)
