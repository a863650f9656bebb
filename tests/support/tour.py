"""The data the tours of pages need: youssef's household with a change, a
certificate and a review; an assisted session checked on a card; amina's
registration, filled in and not yet sent."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AssistedSession, Certificate
from tests.support.counter import serve_with_card
from tests.support.household import declare
from tests.support.login import login_as
from tests.support.pages import csrf_token_in
from tests.support.registration import fill_everything, member_keys
from tests.support.reviews import PNG, file_review


def prepare(client: FlaskClient, db: Session) -> dict[str, Any]:
    """What the pages show: a change with a before and an after, a certificate,
    a review, an assisted session checked on a card, and amina's draft.

    Returns the review and certificate numbers, the session id and the key of
    amina's second member."""
    login_as(client, "youssef")
    answers = {"electricity_bill": "300", "water_bill": "70", "telecom": "100"}
    assert declare(client, "spending", {**answers, "butane_bottles": "3"}).status_code == 302
    token = csrf_token_in(client.get("/certificates"))
    client.post("/certificates/issue", data={"csrf_token": token, "kind": "score"})
    filed = file_review(client, [("quittance.png", PNG)])
    assert filed.status_code == 302, filed.status_code
    review = filed.headers["Location"].rsplit("/", 1)[-1]
    client.delete_cookie("rsu_session")
    serve_with_card(client)
    client.delete_cookie("rsu_session")
    login_as(client, "amina")
    fill_everything(client)
    keys = member_keys(client)
    client.delete_cookie("rsu_session")
    certificate = db.scalar(select(Certificate))
    session = db.scalar(select(AssistedSession))
    assert certificate is not None and session is not None
    return {
        "review": review,
        "certificate": certificate.number,
        "session": session.id,
        "member": keys[1],
    }
