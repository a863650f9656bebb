"""Login with the national ID through the development provider, over real HTTP."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.models import Account, AuditEvent, StaffUser, WebSession
from tests.support.login import login_as, start_login
from tests.support.pages import CheckingClient, csrf_token_in, soup_of, text_of


def test_signed_out_me_redirects_to_login(client: CheckingClient) -> None:
    response = client.get("/me")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/me")


def test_authorization_request_uses_pkce_s256_state_and_nonce(client: CheckingClient) -> None:
    query = parse_qs(urlsplit(start_login(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert "openid" in query["scope"][0].split()


def test_youssef_logs_in_and_sees_his_name(client: CheckingClient, demo: None, db: Session) -> None:
    response = login_as(client, "youssef")
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    page = client.get("/me?lang=fr")
    text = text_of(page)
    assert "Youssef El Amrani" in text
    assert "••••••0201" in text  # IDCS masked but for its last 4 digits
    assert "1000000201" not in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    account = db.scalar(select(Account))
    assert account is not None and account.subject == "youssef"
    assert account.issuer.startswith("http://localhost:")
    logins = db.scalars(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert [(e.actor_account_id, e.channel) for e in logins] == [(account.id, "online")]


def test_login_makes_a_new_session_id(client: CheckingClient, demo: None) -> None:
    client.get("/login")
    before = client.get_cookie("rsu_session")
    assert before is not None
    login_as(client, "youssef")
    after = client.get_cookie("rsu_session")
    assert after is not None and after.value != before.value


def test_session_cookie_flags(client: CheckingClient, demo: None) -> None:
    response = login_as(client, "youssef")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("rsu_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only in production, over TLS


def test_the_session_holds_only_ids(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "youssef")
    data = db.scalar(select(WebSession.data).where(WebSession.account_id.is_not(None)))
    assert data is not None
    flat = repr(data)
    assert "1000000201" not in flat and "Youssef" not in flat and "AB123456" not in flat


def test_logout_ends_the_session_for_real(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "youssef")
    stolen = client.get_cookie("rsu_session")
    assert stolen is not None
    page = client.get("/me")
    response = client.post("/logout", data={"csrf_token": csrf_token_in(page)})
    assert response.status_code == 302
    # RP-initiated logout at the provider, without any token in the URL.
    location = response.headers["Location"]
    assert "/oauth2/end_session" in location and "id_token_hint" not in location
    assert client.get("/me").status_code == 302
    # A copy of the old cookie is dead too.
    assert (
        db.scalar(
            select(func.count()).select_from(WebSession).where(WebSession.account_id.is_not(None))
        )
        == 0
    )
    client.set_cookie("rsu_session", stolen.value)
    assert client.get("/me").status_code == 302


def test_idle_sessions_expire_after_30_minutes(client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    with clock.freeze(clock.now() + timedelta(minutes=29)):
        assert client.get("/me").status_code == 200
    with clock.freeze(clock.now() + timedelta(minutes=29 + 31)):
        assert client.get("/me").status_code == 302


def test_sessions_end_12_hours_after_login_even_when_active(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "youssef")
    start = clock.now()
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes
        with clock.freeze(start + timedelta(minutes=minutes)):
            assert client.get("/me").status_code == 200, minutes
    with clock.freeze(start + timedelta(hours=12, minutes=5)):
        assert client.get("/me").status_code == 302


def test_karim_who_is_not_in_the_rnp_is_guided(client: CheckingClient, demo: None) -> None:
    login_as(client, "karim")
    page = client.get("/me?lang=fr")
    assert page.status_code == 200
    text = text_of(page)
    assert "Karim Saidi" in text
    assert "Registre National de la Population" in text
    assert "centre de service aux citoyens" in text


def test_staff_roles_come_from_the_claim(client: CheckingClient, demo: None, db: Session) -> None:
    response = login_as(client, "reviewer.omar")
    assert response.headers["Location"] == "/backoffice"
    staff = db.scalar(select(StaffUser))
    assert staff is not None and staff.roles == ["reviewer"] and staff.display_name == "Omar Benali"
    assert client.get("/backoffice").status_code == 200
    assert client.get("/counter").status_code == 403
    assert client.get("/me").status_code == 403


def test_counter_agent_lands_on_the_counter(client: CheckingClient, demo: None) -> None:
    response = login_as(client, "agent.salma")
    assert response.headers["Location"] == "/counter"
    assert client.get("/backoffice").status_code == 403


def test_citizens_cannot_open_staff_desks(client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    assert client.get("/counter").status_code == 403
    assert client.get("/backoffice").status_code == 403


def test_next_only_follows_paths_on_this_site(client: CheckingClient, demo: None) -> None:
    page = soup_of(client.get("/login?next=https://evil.example/steal"))
    assert page.find("input", attrs={"name": "next"}) is None

    import requests

    token = csrf_token_in(client.get("/login"))
    response = client.post("/login", data={"csrf_token": token, "next": "//evil.example"})
    answer = requests.post(
        response.headers["Location"], data={"sub": "youssef"}, allow_redirects=False, timeout=10
    )
    back = urlsplit(answer.headers["Location"])
    assert client.get(f"{back.path}?{back.query}").headers["Location"] == "/me"


def test_next_brings_back_to_the_page_asked_for(client: CheckingClient, demo: None) -> None:
    import requests

    redirect = client.get("/me?lang=fr")
    assert redirect.status_code == 302
    login_page = client.get(redirect.headers["Location"])
    token = csrf_token_in(login_page)
    next_field = soup_of(login_page).find("input", attrs={"name": "next"})
    assert next_field is not None and next_field["value"] == "/me?lang=fr"
    response = client.post("/login", data={"csrf_token": token, "next": next_field["value"]})
    answer = requests.post(
        response.headers["Location"], data={"sub": "youssef"}, allow_redirects=False, timeout=10
    )
    back = urlsplit(answer.headers["Location"])
    assert client.get(f"{back.path}?{back.query}").headers["Location"] == "/me?lang=fr"


def test_the_redirect_uri_comes_from_the_public_address_not_the_host_header(
    client: CheckingClient,
) -> None:
    """A forged Host must not make the provider send the code to another site."""
    token = csrf_token_in(client.get("/login", base_url="http://evil.example"))
    response = client.post("/login", data={"csrf_token": token}, base_url="http://evil.example")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/auth/callback"]


def test_with_trusted_hosts_other_hosts_are_refused(
    database_url: str, oidc_provider: str, db: Session
) -> None:
    """Production sets TRUSTED_HOSTS to PUBLIC_BASE_URL's host."""
    from tests.conftest import make_test_app

    app = make_test_app(database_url, oidc_provider, TRUSTED_HOSTS=["rsu.example.ma"])
    client = app.test_client()
    assert client.get("/", base_url="https://rsu.example.ma").status_code == 200
    refused = client.get("/login?lang=fr", base_url="http://evil.example")
    assert refused.status_code == 400
    assert "evil.example" not in refused.get_data(as_text=True)
