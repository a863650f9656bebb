"""Every route declares an access rule; routes without one are refused."""

from __future__ import annotations

from flask import Flask

from app.web.access import rule_of


def test_every_route_has_an_explicit_access_rule(app: Flask) -> None:
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule_of(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


def test_a_route_without_a_rule_is_refused(database_url: str, oidc_provider: str) -> None:
    from tests.conftest import make_test_app

    app = make_test_app(database_url, oidc_provider)

    @app.get("/forgotten")
    def forgotten() -> str:
        return "should never be served"

    response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"should never be served" not in response.data
