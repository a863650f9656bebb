"""Signed-in pages read what they show in a few queries (issue 15: each made
7 or 8, with the account, the membership and the household loaded apart)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.models import Certificate
from tests.support.login import login_as
from tests.support.pages import csrf_token_in

# The session row with its account (1), then what the page shows (the
# household, reached through the membership, comes with the first of them).
MOST_QUERIES = {"/me": 4, "/score": 3, "/household": 3}


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = app.extensions["rsu_db"].kw["bind"]

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_signed_in_pages_read_in_few_queries(app: Flask, client: FlaskClient, demo: None) -> None:
    login_as(client, "youssef")
    for path, most in MOST_QUERIES.items():
        assert client.get(path).status_code == 200
        with counted(app) as statements:
            assert client.get(path).status_code == 200
        assert len(statements) <= most, f"{path}: {len(statements)} queries\n" + "\n".join(
            s[:120] for s in statements
        )


def test_a_download_is_one_query_after_the_session(
    app: Flask, client: FlaskClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    token = csrf_token_in(client.get("/certificates"))
    issued = client.post("/certificates/issue", data={"csrf_token": token, "kind": "score"})
    assert issued.status_code == 302
    number = db.scalar(select(Certificate.number))
    assert number is not None
    with counted(app) as statements:
        response = client.get(f"/certificates/{number}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(statements) == 2, statements  # the session and its account; the check and the bytes
