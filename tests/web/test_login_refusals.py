"""A login is refused, with a clear page and nothing written, whenever the
provider's answer cannot be trusted. The answers here come from a provider
the test controls (tests/support/fake_provider.py).

"Nothing written": no person, account, staff member, audit row or signed-in
session; the refusal itself is a line in the log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from joserfc.jwk import ECKey, RSAKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.integrations.identity.reachability import REMEMBER_UP
from app.models import Account, AuditEvent, Person, StaffUser
from tests.conftest import make_test_app, truncate_all
from tests.support.fake_provider import FakeProvider, running_fake_provider, unsigned_token
from tests.support.login import rows_a_login_writes, start_login
from tests.support.pages import CheckingClient, csrf_token_in, text_of


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with running_fake_provider() as provider:
        yield provider


@pytest.fixture
def portal(
    migrated: None, database_url: str, provider: FakeProvider
) -> Iterator[Callable[..., CheckingClient]]:
    """Makes a browser on a portal configured for the fake provider, with the
    demo people seeded; settings may be overridden."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> CheckingClient:
        from app.services.demo import seed_demo_people

        app = make_test_app(database_url, provider.issuer, **overrides)
        if not apps:
            with app.extensions["rsu_db"]() as db:
                seed_demo_people(db)
        apps.append(app)
        client = app.test_client()
        assert isinstance(client, CheckingClient)
        return client

    yield make
    if apps:
        truncate_all(apps[0])


@pytest.fixture
def fake_client(portal: Callable[..., CheckingClient]) -> CheckingClient:
    return portal()


def begin(client: CheckingClient, provider: FakeProvider) -> dict[str, str]:
    """Press "continue": returns the authorization request's parameters."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(start_login(client)).query).items()}
    provider.code_challenge = query["code_challenge"]
    return query


def callback(client: CheckingClient, state: str, **params: str | None):  # type: ignore[no-untyped-def]
    """Our callback as the provider would call it; a None parameter is left out."""
    query = {"code": "the-code", "state": state, **params}
    return client.get(f"/auth/callback?{urlencode({k: v for k, v in query.items() if v})}")


def written(app: Flask) -> tuple[int, ...]:
    with app.extensions["rsu_db"]() as db:
        return rows_a_login_writes(db)


def app_of(client: CheckingClient) -> Flask:
    return client.application


def assert_refused(client: CheckingClient, response: Any, before: tuple[int, ...]) -> None:
    assert response.status_code == 400, text_of(response)
    assert client.get("/me").status_code == 302  # still signed out
    assert written(app_of(client)) == before


def test_a_correct_token_from_the_fake_provider_is_accepted(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    response = callback(fake_client, query["state"])
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"] == "/me"
    assert provider.failures == []
    assert provider.userinfo_requests == []  # the ID token said who: no userinfo needed
    assert written(app_of(fake_client))[1] == 1


# -- ID tokens that must be refused -----------------------------------------------

OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "good"})


def _without(claims: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in claims.items() if k != name}


CASES: dict[str, Callable[[FakeProvider, str], str]] = {
    "nonce mismatch": lambda p, nonce: p.sign(p.claims("another-nonce")),
    "wrong issuer": lambda p, nonce: p.sign(p.claims(nonce, iss="https://impostor.example")),
    "wrong audience": lambda p, nonce: p.sign(p.claims(nonce, audience="another-client")),
    "expired token": lambda p, nonce: p.sign(
        p.claims(nonce, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    ),
    "alg none": lambda p, nonce: unsigned_token(p.claims(nonce)),
    "unknown key": lambda p, nonce: p.sign(p.claims(nonce), key=OTHER_KEY),
    "HS256 with the public key as secret": lambda p, nonce: _hs256_confusion(p, nonce),
    "missing exp": lambda p, nonce: p.sign(_without(p.claims(nonce), "exp")),
    "missing sub": lambda p, nonce: p.sign(_without(p.claims(nonce), "sub")),
    "missing nonce": lambda p, nonce: p.sign(_without(p.claims(nonce), "nonce")),
    "missing iat": lambda p, nonce: p.sign(_without(p.claims(nonce), "iat")),
    # Beyond the 60-second leeway.
    "iat in the future": lambda p, nonce: p.sign(p.claims(nonce, iat=int(time.time()) + 600)),
    "several audiences without azp": lambda p, nonce: p.sign(
        p.claims(nonce, audience=["rsu-portal", "another-client"])
    ),
    "wrong azp": lambda p, nonce: p.sign(p.claims(nonce, azp="another-client")),
    "an access token, not an ID token (typ at+jwt)": lambda p, nonce: p.sign(
        p.claims(nonce), header={"typ": "at+jwt"}
    ),
}


def _hs256_confusion(provider: FakeProvider, nonce: str) -> str:
    """The classic attack: an HMAC "signed" with the provider's public key as the secret."""
    import hashlib
    import hmac
    import json

    from tests.support.fake_provider import b64url

    header = b64url(json.dumps({"alg": "HS256", "kid": "good"}).encode())
    payload = b64url(json.dumps(provider.claims(nonce)).encode())
    secret = provider.key.as_pem(private=False)
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_untrustworthy_tokens_are_refused_and_nothing_is_written(
    case: str, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(app_of(fake_client))
    query = begin(fake_client, provider)
    provider.id_token = CASES[case](provider, query["nonce"])
    assert_refused(fake_client, callback(fake_client, query["state"]), before)


def test_several_audiences_are_accepted_when_azp_names_the_portal(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(
        provider.claims(query["nonce"], audience=["rsu-portal", "other"], azp="rsu-portal")
    )
    assert callback(fake_client, query["state"]).status_code == 302


def test_an_iat_within_the_leeway_is_accepted(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    """Clocks differ a little: 30 seconds ahead is within the 60-second leeway."""
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"], iat=int(time.time()) + 30))
    assert callback(fake_client, query["state"]).status_code == 302


# -- the callback itself -----------------------------------------------------------------


REFUSED_CALLBACKS: dict[str, dict[str, str | None]] = {
    "an error answer": {"error": "access_denied", "code": None},
    "no code": {"code": None},
    # RFC 9207: an answer that says another provider sent it is a mix-up.
    "a wrong iss parameter": {"iss": "https://impostor.example"},
}


@pytest.mark.parametrize("case", sorted(REFUSED_CALLBACKS))
def test_callbacks_refused_before_any_token_request(
    case: str, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(app_of(fake_client))
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    response = callback(fake_client, query["state"], **REFUSED_CALLBACKS[case])
    assert_refused(fake_client, response, before)
    assert provider.token_requests == []


REFUSED_TOKEN_ANSWERS: dict[str, tuple[int, dict[str, Any]]] = {
    "the token endpoint failing": (500, {"error": "server_error"}),
    "a token answer without an id_token": (200, {"access_token": "at", "token_type": "Bearer"}),
}


@pytest.mark.parametrize("case", sorted(REFUSED_TOKEN_ANSWERS))
def test_token_answers_without_a_usable_id_token_are_refused(
    case: str, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(app_of(fake_client))
    query = begin(fake_client, provider)
    provider.token_answer = REFUSED_TOKEN_ANSWERS[case]
    assert_refused(fake_client, callback(fake_client, query["state"]), before)
    assert len(provider.token_requests) == 1


def test_a_missing_iss_parameter_is_refused_when_the_provider_promises_one(
    portal: Callable[..., CheckingClient], provider: FakeProvider
) -> None:
    provider.iss_parameter_supported = True
    client = portal()
    before = written(app_of(client))
    query = begin(client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    assert_refused(client, callback(client, query["state"]), before)
    assert provider.token_requests == []


def test_the_right_iss_parameter_is_accepted(
    portal: Callable[..., CheckingClient], provider: FakeProvider
) -> None:
    provider.iss_parameter_supported = True
    client = portal()
    query = begin(client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    assert callback(client, query["state"], iss=provider.issuer).status_code == 302


# -- userinfo -------------------------------------------------------------------------------


def _minimal_claims(provider: FakeProvider, nonce: str) -> dict[str, Any]:
    """What a conformant provider puts in the ID token: who, not what."""
    return _without(provider.claims(nonce), "idcs")


def login_with_userinfo(client: CheckingClient, provider: FakeProvider):  # type: ignore[no-untyped-def]
    """A login whose ID token says only who: the rest must come from the
    userinfo answer the test prepared."""
    query = begin(client, provider)
    provider.id_token = provider.sign(_minimal_claims(provider, query["nonce"]))
    return callback(client, query["state"])


def _userinfo(provider: FakeProvider, **changes: Any) -> dict[str, Any]:
    claims = {"iss": provider.issuer, "aud": "rsu-portal", "sub": "youssef", "idcs": "1000000201"}
    return {k: v for k, v in {**claims, **changes}.items() if v is not None}


def test_userinfo_fills_in_what_the_id_token_lacks(
    fake_client: CheckingClient, provider: FakeProvider, db: Session
) -> None:
    provider.userinfo_json(sub="youssef", idcs="1000000201")
    assert login_with_userinfo(fake_client, provider).status_code == 302
    assert provider.userinfo_requests == ["Bearer access-token"]
    assert db.scalar(select(Person.first_name_latin).join(Account)) == "Youssef"


def test_a_userinfo_jwt_signed_by_the_provider_is_accepted(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    provider.userinfo_jwt(_userinfo(provider))
    assert login_with_userinfo(fake_client, provider).status_code == 302


REFUSED_USERINFO: dict[str, Callable[[FakeProvider], None]] = {
    # Core 5.3.2: userinfo's sub must be the ID token's (token substitution).
    "about someone else": lambda p: p.userinfo_json(sub="fatima", idcs="1000000202"),
    "a JWT with a bad signature (same kid, another key)": lambda p: p.userinfo_jwt(
        _userinfo(p), key=OTHER_KEY
    ),
    "a JWT from another issuer": lambda p: p.userinfo_jwt(
        _userinfo(p, iss="https://impostor.example")
    ),
    "a JWT for another client": lambda p: p.userinfo_jwt(_userinfo(p, aud="another-client")),
    "a JWT for no client": lambda p: p.userinfo_jwt(_userinfo(p, aud=None)),
    "a JWT about someone else": lambda p: p.userinfo_jwt(_userinfo(p, sub="fatima")),
    "an error answer": lambda p: setattr(
        p, "userinfo_answer", (401, "application/json", '{"error": "invalid_token"}')
    ),
    "an answer that is neither JSON nor JWT": lambda p: setattr(
        p, "userinfo_answer", (200, "text/html", "<p>sub=youssef</p>")
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED_USERINFO))
def test_untrustworthy_userinfo_answers_are_refused(
    case: str, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(app_of(fake_client))
    REFUSED_USERINFO[case](provider)
    assert_refused(fake_client, login_with_userinfo(fake_client, provider), before)


def test_userinfo_always_is_called_even_when_the_id_token_is_enough(
    portal: Callable[..., CheckingClient], provider: FakeProvider
) -> None:
    client = portal(OIDC_USERINFO="always")
    query = begin(client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    provider.userinfo_json(sub="youssef", phone_number="+212661234567")
    assert callback(client, query["state"]).status_code == 302
    assert len(provider.userinfo_requests) == 1


def test_userinfo_never_is_not_called_and_an_incomplete_id_token_is_refused(
    portal: Callable[..., CheckingClient], provider: FakeProvider
) -> None:
    client = portal(OIDC_USERINFO="never")
    before = written(app_of(client))
    provider.userinfo_json(sub="youssef", idcs="1000000201")
    assert_refused(client, login_with_userinfo(client, provider), before)
    assert provider.userinfo_requests == []


def test_the_claims_parameter_asks_for_the_national_numbers_as_essential(
    portal: Callable[..., CheckingClient], provider: FakeProvider
) -> None:
    import json

    client = portal(OIDC_CLAIMS_PARAMETER=True)
    query = begin(client, provider)
    asked = json.loads(query["claims"])
    assert asked["userinfo"]["idcs"] == {"essential": True}
    assert asked["userinfo"]["cnie"] == {"essential": True}
    assert "given_name#ar" in asked["userinfo"] and "roles" in asked["userinfo"]
    assert query["scope"].split() == ["openid", "profile", "phone"]


# -- the keys ---------------------------------------------------------------------------------


def test_keys_are_fetched_again_when_a_token_names_an_unknown_key(
    portal: Callable[..., CheckingClient], provider: FakeProvider
) -> None:
    client = portal()
    query = begin(client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    assert callback(client, query["state"]).status_code == 302
    assert provider.jwks_requests == 1

    # The provider rotates its key: the next token names one we have not seen.
    provider.key = RSAKey.generate_key(2048, parameters={"kid": "next"})
    client.delete_cookie("rsu_session")
    query = begin(client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    assert callback(client, query["state"]).status_code == 302
    assert provider.jwks_requests == 2


def test_a_known_kid_with_a_bad_signature_does_not_fetch_the_keys_again(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    """Only an unknown kid means rotation; a forged signature is just refused."""
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]), key=OTHER_KEY)
    assert callback(fake_client, query["state"]).status_code == 400
    assert provider.jwks_requests == 1


# -- staff ------------------------------------------------------------------------------------


def test_staff_roles_come_from_the_roles_claim_whatever_its_name(
    portal: Callable[..., CheckingClient], provider: FakeProvider, db: Session
) -> None:
    """A space-separated roles claim under the provider's own name; roles the
    portal does not know are ignored."""
    client = portal(OIDC_ROLES_CLAIM="rsu_roles", OIDC_OFFICE_CLAIM="rsu_office")
    query = begin(client, provider)
    provider.id_token = provider.sign(
        _without(
            provider.claims(
                query["nonce"],
                sub="agent.salma",
                name="Salma Idrissi",
                rsu_roles="counter_agent superuser",
                rsu_office="hay-hassani-annex",
            ),
            "idcs",
        )
    )
    response = callback(client, query["state"])
    assert response.headers["Location"] == "/counter"
    staff = db.scalar(select(StaffUser))
    assert staff is not None and staff.roles == ["counter_agent"]
    assert staff.office == "hay-hassani-annex"
    assert provider.userinfo_requests == []  # the roles said who: no userinfo needed


# -- logins in progress -----------------------------------------------------------------------


def test_a_forged_state_does_not_end_the_logins_in_progress(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(app_of(fake_client))
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    assert_refused(fake_client, callback(fake_client, "forged-state"), before)
    assert provider.token_requests == []
    # The real answer still comes home.
    assert callback(fake_client, query["state"]).status_code == 302


def test_two_tabs_each_keep_their_own_login(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    first = begin(fake_client, provider)
    second = begin(fake_client, provider)
    assert first["state"] != second["state"]
    # The first tab's answer arrives after the second tab started...
    provider.code_challenge = first["code_challenge"]
    provider.id_token = provider.sign(provider.claims(first["nonce"]))
    assert callback(fake_client, first["state"]).status_code == 302
    # ...and the second tab's, after the first signed in.
    provider.code_challenge = second["code_challenge"]
    provider.id_token = provider.sign(provider.claims(second["nonce"]))
    assert callback(fake_client, second["state"]).status_code == 302
    assert provider.failures == []


def test_an_old_tab_is_forgotten_after_five_newer_ones(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    oldest = begin(fake_client, provider)
    for _ in range(5):
        newest = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(oldest["nonce"]))
    assert callback(fake_client, oldest["state"]).status_code == 400
    provider.id_token = provider.sign(provider.claims(newest["nonce"]))
    assert callback(fake_client, newest["state"]).status_code == 302


def test_a_login_left_pending_too_long_expires(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    with clock.freeze(clock.now() + timedelta(minutes=16)):
        assert callback(fake_client, query["state"]).status_code == 400


def test_a_callback_without_a_login_in_progress_is_refused(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(app_of(fake_client))
    response = callback(fake_client, "whatever")
    assert response.status_code == 400
    assert written(app_of(fake_client)) == before


def test_the_refusal_page_explains_in_french(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    query = begin(fake_client, provider)
    provider.id_token = unsigned_token(provider.claims(query["nonce"]))
    response = fake_client.get(f"/auth/callback?code=x&state={query['state']}&lang=fr")
    assert response.status_code == 400
    assert "Rien n'a été enregistré" in text_of(response)


def test_a_callback_cannot_be_replayed(fake_client: CheckingClient, provider: FakeProvider) -> None:
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    assert callback(fake_client, query["state"]).status_code == 302
    fake_client.post("/logout", data={}, follow_redirects=False)
    assert callback(fake_client, query["state"]).status_code == 400


def test_one_answer_signs_in_once_even_when_it_arrives_20_times_at_once(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    """A provider that hands out the token each time (this one does) cannot
    make one answer sign in twice: the login's state is spent with it."""
    from concurrent.futures import ThreadPoolExecutor

    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    cookie = fake_client.get_cookie("rsu_session")
    assert cookie is not None
    app = app_of(fake_client)

    def arrive(_: int) -> int:
        browser = app.test_client()
        browser.set_cookie("rsu_session", cookie.value)
        return int(callback(browser, query["state"]).status_code)  # type: ignore[arg-type]

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(pool.map(arrive, range(20)))
    assert statuses == [302] + [400] * 19
    _, accounts, _, _, signed_in = written(app)
    assert (accounts, signed_in) == (1, 1)
    with app.extensions["rsu_db"]() as db:
        logins = db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login")
        )
    assert logins == 1


# -- the provider stops answering -------------------------------------------------------------


def test_a_provider_down_after_its_metadata_was_read_gets_the_503_page(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    begin(fake_client, provider)  # metadata read, provider seen answering
    provider.stop()
    with clock.freeze(clock.now() + REMEMBER_UP + timedelta(seconds=1)):
        fake_client.delete_cookie("rsu_session")
        page = fake_client.get("/login?lang=fr")
        response = fake_client.post("/login", data={"csrf_token": csrf_token_in(page)})
    assert response.status_code == 503
    assert "Location" not in response.headers  # the browser is not sent to a dead address
    assert "Le service d'identité ne répond pas" in text_of(response)


def test_a_provider_down_from_the_start_gets_the_503_page(
    portal: Callable[..., CheckingClient], provider: FakeProvider
) -> None:
    provider.stop()
    client = portal()
    token = csrf_token_in(client.get("/login"))
    assert client.post("/login", data={"csrf_token": token}).status_code == 503


# -- client authentication --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_key", "alg_setting", "expected_alg"),
    [
        (lambda: RSAKey.generate_key(2048), None, "RS256"),
        (lambda: RSAKey.generate_key(2048), "PS256", "PS256"),
        (lambda: ECKey.generate_key("P-256"), None, "ES256"),
    ],
    ids=["RSA", "RSA-PSS", "EC-P256"],
)
def test_private_key_jwt_client_authentication(
    make_key: Callable[[], RSAKey | ECKey],
    alg_setting: str | None,
    expected_alg: str,
    portal: Callable[..., CheckingClient],
    provider: FakeProvider,
    tmp_path: Any,
    db: Session,
) -> None:
    client_key = make_key()
    key_file = tmp_path / "client.pem"
    key_file.write_bytes(client_key.as_pem(private=True))
    provider.client_public_key = type(client_key).import_key(client_key.as_pem(private=False))
    overrides: dict[str, Any] = {
        "OIDC_CLIENT_AUTH_METHOD": "private_key_jwt",
        "OIDC_PRIVATE_KEY_FILE": str(key_file),
    }
    if alg_setting:
        overrides["OIDC_CLIENT_ASSERTION_ALG"] = alg_setting
    client = portal(**overrides)
    query = begin(client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    response = callback(client, query["state"])
    assert provider.failures == []
    assert "client_secret" not in provider.token_requests[0]
    [header] = provider.assertion_headers
    assert header["alg"] == expected_alg
    assert header["kid"] == client_key.thumbprint()  # RFC 7638
    assert response.status_code == 302
    assert db.scalar(select(Person.first_name_latin).join(Account)) == "Youssef"
