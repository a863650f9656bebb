"""The database really away (its port closed, or the connection cut): every
route answers a friendly 503 page, liveness answers, and the portal comes
back by itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.web.access import Rule, access
from tests.conftest import make_test_app
from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of, text_of
from tests.support.refusals import LANGUAGES, translated
from tests.support.tcp_proxy import Relay, relay_to

UNAVAILABLE = "The service is unavailable for a moment"


@pytest.fixture
def relayed(database_url: str, oidc_provider: str, db: Session) -> Iterator[tuple[Flask, Relay]]:
    """A portal whose database connection passes through a relay the test can cut."""
    url = make_url(database_url)
    with relay_to(url.host or "127.0.0.1", url.port or 5432) as relay:
        through = url.set(host="127.0.0.1", port=relay.port)
        app = make_test_app(through.render_as_string(hide_password=False), oidc_provider)

        @app.get("/test/database-goes-away")
        @access(Rule.SIGNED_IN)
        def goes_away() -> str:
            from app.extensions import db

            relay.stop()  # in the middle of a signed-in request
            db.session.execute(text("SELECT 1"))
            return "unreachable"

        yield app, relay
        app.extensions["rsu_db"].kw["bind"].dispose()


def assert_unavailable(app: Flask, response: object, language: str) -> None:
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert response.headers["Retry-After"] == "30"  # type: ignore[attr-defined]
    assert "Content-Security-Policy" in response.headers  # type: ignore[attr-defined]
    page = soup_of(response)  # type: ignore[arg-type]
    assert page.html is not None and page.html["lang"] == language
    assert page.h1 is not None
    assert page.h1.get_text() == translated(app, language, UNAVAILABLE)
    assert "Traceback" not in text_of(response)  # type: ignore[arg-type]


def test_with_the_database_stopped_pages_answer_503_and_liveness_200(
    relayed: tuple[Flask, Relay], demo: None
) -> None:
    app, relay = relayed
    client = app.test_client()
    assert isinstance(client, CheckingClient)
    login_as(client, "youssef")
    assert client.get("/me").status_code == 200
    relay.stop()
    for language in LANGUAGES:
        assert_unavailable(app, client.get(f"/?lang={language}"), language)
        assert_unavailable(app, client.get(f"/me?lang={language}"), language)
        assert_unavailable(app, client.get("/household", headers={"Accept-Language": language}),
                           language)  # fmt: skip
    assert client.get("/healthz").status_code == 200  # with the session cookie
    assert client.get("/readyz").status_code == 503
    assert client.get("/static/css/app.css").status_code == 200  # the 503 page keeps its style
    anonymous = app.test_client()
    assert_unavailable(app, anonymous.get("/?lang=fr"), "fr")
    assert anonymous.get("/healthz").status_code == 200
    # Back: the pool replaces its dead connections, and the session was kept.
    relay.start()
    assert client.get("/me").status_code == 200
    assert anonymous.get("/").status_code == 200


def test_a_database_lost_in_the_middle_of_a_signed_in_request(
    relayed: tuple[Flask, Relay], demo: None
) -> None:
    app, relay = relayed
    client = app.test_client()
    login_as(client, "youssef")
    assert_unavailable(app, client.get("/test/database-goes-away?lang=ar"), "ar")
    relay.start()
    assert client.get("/me").status_code == 200


def test_a_portal_pointed_at_a_closed_port(database_url: str, oidc_provider: str) -> None:
    closed = make_url(database_url).set(host="127.0.0.1", port=1)
    app = make_test_app(closed.render_as_string(hide_password=False), oidc_provider)
    client = app.test_client()
    client.set_cookie("rsu_session", "a-session-id-from-before-the-outage")
    assert_unavailable(app, client.get("/?lang=fr"), "fr")
    assert_unavailable(app, client.get("/me?lang=ar"), "ar")
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok"}
    token_page = client.post("/logout", data={"csrf_token": "x"})
    assert token_page.status_code in (400, 503)  # never a 500


def test_outbox_delivery_every_n_seconds_survives_the_database_going_away(
    relayed: tuple[Flask, Relay], demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, relay = relayed
    relay.stop()
    turns: list[int] = []

    class Enough(Exception):
        pass

    def sleep(_seconds: float) -> None:
        turns.append(1)
        if len(turns) == 1:
            relay.start()  # the database comes back during the wait
        if len(turns) == 2:
            raise Enough

    monkeypatch.setattr("app.cli.outbox.time.sleep", sleep)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver", "--every", "1"])
    assert isinstance(result.exception, Enough)  # stopped by the test, not by the outage
    assert "Delivery stopped: OperationalError. Nothing was lost." in result.output
    assert "Sent 0, to retry later 0, given up 0." in result.output
