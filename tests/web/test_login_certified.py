"""Login through a certified OpenID provider in its conformant default mode
(panva's oidc-provider, run by node; see tests/support/certified_provider.py).

There the ID token carries no profile claim: names, birth date and phone
come from userinfo (signed, for most clients), and the national numbers and
staff claims only when the portal asks for them with the ``claims``
parameter. The portal authenticates with a client secret, or with
private_key_jwt and an RSA or EC P-256 key.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.integrations.identity import login as login_flow
from app.models import Account, Person, StaffUser
from tests.conftest import make_test_app
from tests.support.certified_provider import CertifiedProvider, login_through, walk_to_callback
from tests.support.login import rows_a_login_writes
from tests.support.pages import CheckingClient, csrf_token_in, text_of

# Each registered client, and the form its userinfo answers take.
CLIENTS = {
    "secret": "application/jwt",
    "secret-json-userinfo": "application/json",
    "rsa": "application/jwt",
    "rsa-pss": "application/jwt",
    "ec": "application/jwt",
}


def portal(
    database_url: str, provider: CertifiedProvider, client: str, **overrides: Any
) -> CheckingClient:
    app = make_test_app(
        database_url, provider.issuer, **{**provider.settings_for(client), **overrides}
    )
    test_client = app.test_client()
    assert isinstance(test_client, CheckingClient)
    return test_client


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """What the portal received: the claims of each ID token it accepted, and
    the media type of each userinfo answer."""
    received: dict[str, list[Any]] = {"id_tokens": [], "userinfo": []}
    verify, read_userinfo = login_flow.verify_id_token, login_flow.userinfo_claims

    def recording_verify(*args: Any, **kwargs: Any) -> dict[str, Any]:
        claims = verify(*args, **kwargs)
        received["id_tokens"].append(dict(claims))
        return claims

    def recording_userinfo(status: int, content_type: str, *args: Any, **kwargs: Any) -> Any:
        received["userinfo"].append(content_type.split(";")[0])
        return read_userinfo(status, content_type, *args, **kwargs)

    monkeypatch.setattr(login_flow, "verify_id_token", recording_verify)
    monkeypatch.setattr(login_flow, "userinfo_claims", recording_userinfo)
    yield received


@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_youssef_logs_in_with_claims_released_only_at_userinfo(
    client: str,
    database_url: str,
    certified_provider: CertifiedProvider,
    db: Session,
    demo: None,
    seen: dict[str, list[Any]],
) -> None:
    browser = portal(database_url, certified_provider, client)
    response = login_through(browser, certified_provider, "youssef")
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"] == "/me"
    # The ID token said who, not what: the rest came from userinfo.
    [id_token] = seen["id_tokens"]
    assert id_token["sub"] == "youssef"
    assert not {"idcs", "cnie", "given_name", "birthdate", "phone_number"} & id_token.keys()
    assert seen["userinfo"] == [CLIENTS[client]]

    assert "Youssef El Amrani" in text_of(browser.get("/me?lang=fr"))
    account = db.scalar(select(Account))
    assert account is not None
    assert (account.issuer, account.subject) == (certified_provider.issuer, "youssef")
    assert account.person is not None and account.person.idcs == "1000000201"


def test_agent_salma_lands_on_the_counter_with_her_role_and_office(
    database_url: str, certified_provider: CertifiedProvider, db: Session, demo: None
) -> None:
    browser = portal(database_url, certified_provider, "ec")
    response = login_through(browser, certified_provider, "agent.salma")
    assert response.headers["Location"] == "/counter"
    staff = db.scalar(select(StaffUser))
    assert staff is not None
    assert staff.roles == ["counter_agent"]
    assert staff.office == "hay-hassani-annex"
    assert staff.display_name == "Salma Idrissi"
    assert browser.get("/counter").status_code == 200


def test_karim_outside_the_rnp_is_known_by_his_userinfo_claims(
    database_url: str, certified_provider: CertifiedProvider, db: Session, demo: None
) -> None:
    browser = portal(database_url, certified_provider, "rsa")
    assert login_through(browser, certified_provider, "karim").status_code == 302
    person = db.scalar(select(Person).join(Account))
    assert person is not None and not person.in_rnp
    assert (person.cnie, person.first_name_latin, person.last_name_ar) == (
        "K987654",
        "Karim",
        "السعيدي",
    )
    assert person.birth_date == date(1995, 2, 3)


def test_a_callback_stripped_of_its_iss_is_refused(
    database_url: str, certified_provider: CertifiedProvider, db: Session, demo: None
) -> None:
    """The provider advertises RFC 9207: an answer without ``iss`` may come
    from another provider (a mix-up attack)."""
    before = rows_a_login_writes(db)
    browser = portal(database_url, certified_provider, "secret")
    callback = urlsplit(walk_to_callback(browser, certified_provider, "youssef"))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    assert query["iss"] == certified_provider.issuer
    del query["iss"]
    assert browser.get(f"{callback.path}?{urlencode(query)}").status_code == 400
    assert rows_a_login_writes(db) == before


def test_without_the_claims_parameter_no_national_number_comes_and_login_is_refused(
    database_url: str, certified_provider: CertifiedProvider, db: Session, demo: None
) -> None:
    """This provider releases idcs and cnie only to a client that names them."""
    before = rows_a_login_writes(db)
    browser = portal(database_url, certified_provider, "secret", OIDC_CLAIMS_PARAMETER=False)
    assert login_through(browser, certified_provider, "youssef").status_code == 400
    assert rows_a_login_writes(db) == before


def test_logout_ends_the_session_at_the_provider_too(
    database_url: str, certified_provider: CertifiedProvider, db: Session, demo: None
) -> None:
    browser = portal(database_url, certified_provider, "ec")
    login_through(browser, certified_provider, "youssef")
    page = browser.get("/me")
    response = browser.post("/logout", data={"csrf_token": csrf_token_in(page)})
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == certified_provider.issuer
    query = parse_qs(location.query)
    assert query["client_id"] == ["portal-ec"]
    assert query["post_logout_redirect_uri"] == ["http://127.0.0.1:8000/"]
    assert "id_token_hint" not in query
    assert browser.get("/me").status_code == 302
