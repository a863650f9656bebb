"""Every limit holds when 20 requests arrive at once.

Each test replays the attack that got past the old read-then-write count:
20 parallel code sends queued 12 SMS for a limit of 5, the counter search
answered more than its hourly limit, RNP look-ups failed 11 times for a
limit of 10, and /verify answered 67 for a limit of 60. The 20 requests share
one signed-in session, as an attacker's tabs or script would.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.models import OutboxMessage, RateLimitCounter
from app.services import counter
from app.services.rnp_lookup import LOOKUP_FAILURES_PER_HOUR
from app.web.messages import refusal_text
from tests.support.counter import search, send_code, serve_with_card
from tests.support.household import change_form
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, text_of
from tests.support.parallel import PARALLEL, at_once, same_browser


def counted(db: Session, prefix: str) -> int:
    db.expire_all()
    return int(
        db.scalar(
            select(func.coalesce(func.sum(RateLimitCounter.hits), 0)).where(
                RateLimitCounter.bucket.startswith(prefix)
            )
        )
        or 0
    )


def test_twenty_code_sends_at_once_queue_five_sms(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "agent.salma")
    assert search(client, "AB123456").status_code == 302
    token = csrf_token_in(client.get("/counter/citizen"))
    tabs = same_browser(app, client)
    statuses = at_once(
        lambda i: tabs[i].post("/counter/citizen/code/send", data={"csrf_token": token}).status_code
    )
    assert statuses.count(302) == counter.CODES_PER_HOUR
    assert statuses.count(409) == PARALLEL - counter.CODES_PER_HOUR
    db.expire_all()
    sent = db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "consent_code")
    )
    assert sent == counter.CODES_PER_HOUR


def test_the_counter_search_answers_no_more_than_its_hourly_limit(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "agent.salma")
    left = 5
    for n in range(counter.SEARCHES_PER_HOUR - left):
        assert search(client, f"ZZ{n:06d}").status_code == 404
    token = csrf_token_in(client.get("/counter"))
    tabs = same_browser(app, client)
    statuses = at_once(
        lambda i: (
            tabs[i]
            .post("/counter", data={"csrf_token": token, "id_type": "cnie", "number": "AB123456"})
            .status_code
        )
    )
    assert statuses.count(302) == left
    assert statuses.count(429) == PARALLEL - left
    assert counted(db, "counter-search:") == counter.SEARCHES_PER_HOUR


def test_twenty_wrong_birth_dates_at_once_get_ten_answers(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    hidden = change_form(client, "member_joined")
    tabs = same_browser(app, client)
    answers = {"relation": "spouse", "marital_status": "married", "education": "primary",
               "activity": "homemaker", "disability": "no", "health_coverage": "none"}  # fmt: skip

    # Twenty forms, each with the key the server issued with it.
    keys = [change_form(client, "member_joined")["submission_key"] for _ in range(PARALLEL)]

    def guess(i: int) -> int:
        data = {**hidden, **answers, "idcs": "1000000102", "birth_date": f"1984-01-{i + 1:02d}",
                "submission_key": keys[i], "continue": "1"}  # fmt: skip
        return tabs[i].post("/household/changes/member_joined", data=data).status_code

    statuses = at_once(guess)
    assert statuses.count(200) == LOOKUP_FAILURES_PER_HOUR  # "not found"
    assert statuses.count(429) == PARALLEL - LOOKUP_FAILURES_PER_HOUR
    assert counted(db, "rnp-lookup-failed:") == LOOKUP_FAILURES_PER_HOUR


def test_verify_answers_no_more_than_its_hourly_limit(
    app: Flask, client: CheckingClient, db: Session
) -> None:
    per_hour = app.config["VERIFY_LOOKUPS_PER_HOUR"]
    left = 5
    for _ in range(per_hour - left):
        assert client.get("/verify/1234-5678-9012").status_code in (404, 200)
    visitors = [app.test_client() for _ in range(PARALLEL)]  # one address, many browsers
    statuses = at_once(lambda i: visitors[i].get("/verify/1234-5678-9012").status_code)
    assert statuses.count(429) == PARALLEL - left
    assert counted(db, "verify:") == per_hour


def test_twenty_identity_checks_at_once_count_ten(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    serve_with_card(client)  # the agent's first of the day
    # Twenty browsers, each signed in as the same agent, with fatima found.
    desks = [app.test_client() for _ in range(PARALLEL)]
    form = "/counter/citizen/identity-check?lang=fr"
    tokens = []
    for desk in desks:
        login_as(desk, "agent.salma")
        assert search(desk, "AB654321").status_code == 302
        tokens.append(csrf_token_in(desk.get(form)))
    expires_on = (clock.today() + timedelta(days=400)).isoformat()
    data = {"cnie": "AB654321", "expires_on": expires_on, "reason": "phone_lost"}
    pages = at_once(lambda i: desks[i].post(form, data={**data, "csrf_token": tokens[i]}))
    with app.test_request_context("/?lang=fr"):
        too_many = str(refusal_text("too_many_identity_checks"))
    refused = [p for p in pages if too_many in text_of(p)]
    assert len(refused) == PARALLEL - (counter.IDENTITY_CHECKS_PER_DAY - 1)
    assert counted(db, "identity-check:") == counter.IDENTITY_CHECKS_PER_DAY


def test_twenty_wrong_codes_at_once_count_five(
    app: Flask, client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "agent.salma")
    assert search(client, "AB123456").status_code == 302
    assert send_code(client).status_code == 302
    token = csrf_token_in(client.get("/counter/citizen/code"))
    tabs = same_browser(app, client)
    statuses = at_once(
        lambda i: (
            tabs[i]
            .post("/counter/citizen/code", data={"csrf_token": token, "code": f"x{i:05d}"})
            .status_code
        )
    )
    assert statuses.count(200) == counter.MAX_WRONG_CODES  # "wrong code"
    assert statuses.count(429) == PARALLEL - counter.MAX_WRONG_CODES  # locked
    assert counted(db, "consent-wrong-code:") == counter.MAX_WRONG_CODES
