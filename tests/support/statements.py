"""What the portal sends to the database during a block of a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import event


@dataclass(frozen=True)
class Sent:
    statement: str
    # Whether the driver wraps it in a transaction (psycopg sends BEGIN
    # first unless its connection is in autocommit).
    in_transaction: bool


@contextmanager
def statements_sent(app: Flask) -> Iterator[list[Sent]]:
    """Each statement the app's engine sends inside the block, in order."""
    sent: list[Sent] = []
    engine = app.extensions["rsu_db"].kw["bind"]

    def record(conn: object, _cursor: object, statement: str, *_args: object) -> None:
        autocommit = conn.connection.dbapi_connection.autocommit  # type: ignore[attr-defined]
        sent.append(Sent(statement, not autocommit))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
