"""The public pages, languages, security headers and health checks."""

from __future__ import annotations

import re

from flask import Flask

from tests.conftest import make_test_app
from tests.support.pages import CheckingClient, soup_of


def test_home_is_arabic_right_to_left_by_default(client: CheckingClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    root = soup_of(response).find("html")
    assert root is not None
    assert (root["lang"], root["dir"]) == ("ar", "rtl")
    assert "السجل الاجتماعي الموحد" in response.get_data(as_text=True)


def test_lang_parameter_gives_french_and_sets_the_cookie(client: CheckingClient) -> None:
    response = client.get("/?lang=fr")
    root = soup_of(response).find("html")
    assert root is not None
    assert (root["lang"], root["dir"]) == ("fr", "ltr")
    assert "Registre Social Unifié" in response.get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=fr") and "SameSite=Lax" in cookie

    # The cookie alone now keeps French.
    again = client.get("/")
    assert soup_of(again).find("html")["lang"] == "fr"  # type: ignore[index]


def test_accept_language_is_followed_when_no_choice_was_made(client: CheckingClient) -> None:
    response = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert soup_of(response).find("html")["lang"] == "fr"  # type: ignore[index]


def test_every_page_offers_the_other_language(client: CheckingClient) -> None:
    page = soup_of(client.get("/guide/idcs"))
    switch = page.find("a", attrs={"hreflang": "fr"})
    assert switch is not None and switch["href"] == "/guide/idcs?lang=fr"


def test_security_headers(client: CheckingClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp)
    assert script_src is not None
    assert "'unsafe-inline'" not in script_src.group(1)
    assert re.search(r"'nonce-[A-Za-z0-9_-]{16,}'", script_src.group(1))
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_scripts_carry_the_responses_nonce_and_come_from_our_origin(client: CheckingClient) -> None:
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
    scripts = soup_of(response).find_all("script")
    assert scripts
    for script in scripts:
        assert script.get("nonce") == nonce
        assert script["src"].startswith("/static/")
    # Fingerprinted by the build (app/web/static_assets.py).
    assert any(
        re.fullmatch(r"/static/vendor/htmx\.min-[0-9a-f]{32}\.js", s["src"]) for s in scripts
    )


def test_htmx_is_served_from_our_static_files(client: CheckingClient) -> None:
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in response.data[:2000]


def test_no_external_resources_in_pages(client: CheckingClient) -> None:
    page = soup_of(client.get("/"))
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in page.find_all(tag):
            assert str(element[attribute]).startswith("/"), element


def test_health_checks(client: CheckingClient) -> None:
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ok"}


def test_readiness_fails_without_a_database(oidc_provider: str) -> None:
    broken = make_test_app("postgresql+psycopg://nobody@127.0.0.1:1/none", oidc_provider)
    assert broken.test_client().get("/healthz").status_code == 200
    assert broken.test_client().get("/readyz").status_code == 503


def test_unknown_page_gets_a_translated_404_without_details(client: CheckingClient) -> None:
    response = client.get("/nothing-here?lang=fr")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page introuvable" in body
    assert "Traceback" not in body and "werkzeug" not in body.lower()


def test_unexpected_errors_show_a_plain_500(
    app: Flask, database_url: str, oidc_provider: str
) -> None:
    failing = make_test_app(database_url, oidc_provider, PROPAGATE_EXCEPTIONS=False)

    from app.web.access import Rule, access

    @failing.get("/boom")
    @access(Rule.PUBLIC)
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    response = failing.test_client().get("/boom?lang=fr")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "problème" in body


def test_post_without_csrf_token_is_refused(client: CheckingClient) -> None:
    response = client.post("/login", data={})
    assert response.status_code == 400
