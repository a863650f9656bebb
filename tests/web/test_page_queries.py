"""Signed-in pages read what they show in a few queries (issue 15: each made
7 or 8, with the account, the membership and the household loaded apart)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate
from tests.support.login import login_as
from tests.support.pages import csrf_token_in
from tests.support.registration import statements_of_a_submit
from tests.support.statements import statements_sent

# The session row with its account (1), then what the page shows (the
# household, reached through the membership, comes with the first of them;
# /me's receipt too). youssef's household has filed no review: /me and /score
# read review requests only when the first statement says there are some.
MOST_QUERIES = {"/me": 2, "/score": 2, "/household": 3}


def test_signed_in_pages_read_in_few_queries(app: Flask, client: FlaskClient, demo: None) -> None:
    login_as(client, "youssef")
    for path, most in MOST_QUERIES.items():
        assert client.get(path).status_code == 200
        with statements_sent(app) as sent:
            assert client.get(path).status_code == 200
        assert len(sent) <= most, f"{path}: {len(sent)} queries\n" + "\n".join(
            s.statement[:120] for s in sent
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
    with statements_sent(app) as sent:
        response = client.get(f"/certificates/{number}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(sent) == 2, sent  # the session and its account; the check and the bytes


def test_a_registration_is_submitted_in_five_statements(
    app: Flask, client: FlaskClient, demo: None
) -> None:
    """Issue 15: round trips are a third of the submit's time."""
    login_as(client, "amina")
    sent = statements_of_a_submit(app, client)
    # The session and its account; the draft with its members' persons, the
    # household's id and the model in force; every row of the registration;
    # the audit chain's head (under its lock), then the audit record.
    assert len(sent) == 5, "\n".join(s.statement[:120] for s in sent)
    assert "nextval" in sent[1].statement and "persons" in sent[1].statement
    assert "audit_chain_head" in sent[3].statement and "audit_events" in sent[4].statement
