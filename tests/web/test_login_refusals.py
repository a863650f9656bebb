"""A login is refused, with a clear page and nothing written, whenever the
provider's answer cannot be trusted. The ID tokens here come from a test-only
signer (tests/support/fake_provider.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from joserfc.jwk import RSAKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Account, AuditEvent, Person, StaffUser
from tests.conftest import make_test_app, truncate_all
from tests.support.fake_provider import FakeProvider, running_fake_provider, unsigned_token
from tests.support.login import start_login
from tests.support.pages import CheckingClient, text_of


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with running_fake_provider() as provider:
        yield provider


@pytest.fixture
def fake_app(migrated: None, database_url: str, provider: FakeProvider) -> Iterator[Flask]:
    app = make_test_app(database_url, provider.issuer)
    yield app
    truncate_all(app)


@pytest.fixture
def fake_client(fake_app: Flask, provider: FakeProvider) -> CheckingClient:
    from app.services.demo import seed_demo_people

    with fake_app.extensions["rsu_db"]() as db:
        seed_demo_people(db)
    client = fake_app.test_client()
    assert isinstance(client, CheckingClient)
    return client


def begin(client: CheckingClient, provider: FakeProvider) -> dict[str, str]:
    query = {k: v[0] for k, v in parse_qs(urlsplit(start_login(client)).query).items()}
    provider.code_challenge = query["code_challenge"]
    return query


def callback(client: CheckingClient, state: str):  # type: ignore[no-untyped-def]
    return client.get(f"/auth/callback?code=the-code&state={state}")


def written(app: Flask) -> tuple[int, int, int]:
    with app.extensions["rsu_db"]() as db:
        return (
            db.scalar(select(func.count()).select_from(Account)) or 0,
            db.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            db.scalar(select(func.count()).select_from(StaffUser)) or 0,
        )


def test_a_correct_token_from_the_fake_provider_is_accepted(
    fake_app: Flask, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    response = callback(fake_client, query["state"])
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"] == "/me"
    assert provider.failures == []
    assert written(fake_app)[0] == 1


OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "good"})

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
    case: str, fake_app: Flask, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(fake_app)
    query = begin(fake_client, provider)
    provider.id_token = CASES[case](provider, query["nonce"])
    response = callback(fake_client, query["state"])
    assert response.status_code == 400
    page = fake_client.get("/me")
    assert page.status_code == 302  # still signed out
    assert written(fake_app) == before


def test_state_mismatch_is_refused_before_any_token_request(
    fake_app: Flask, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(fake_app)
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    response = callback(fake_client, "forged-state")
    assert response.status_code == 400
    assert provider.token_requests == []
    assert written(fake_app) == before


def test_a_callback_without_a_login_in_progress_is_refused(
    fake_app: Flask, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    before = written(fake_app)
    response = callback(fake_client, "whatever")
    assert response.status_code == 400
    assert written(fake_app) == before


def test_the_refusal_page_explains_in_french(
    fake_client: CheckingClient, provider: FakeProvider
) -> None:
    query = begin(fake_client, provider)
    provider.id_token = unsigned_token(provider.claims(query["nonce"]))
    response = fake_client.get(f"/auth/callback?code=x&state={query['state']}&lang=fr")
    assert response.status_code == 400
    assert "Rien n'a été enregistré" in text_of(response)


def test_a_callback_cannot_be_replayed(
    fake_app: Flask, fake_client: CheckingClient, provider: FakeProvider
) -> None:
    query = begin(fake_client, provider)
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    assert callback(fake_client, query["state"]).status_code == 302
    fake_client.post("/logout", data={}, follow_redirects=False)
    assert callback(fake_client, query["state"]).status_code == 400


def test_private_key_jwt_client_authentication(
    migrated: None, database_url: str, provider: FakeProvider, tmp_path: Any, db: Session
) -> None:
    client_key = RSAKey.generate_key(2048)
    key_file = tmp_path / "client.pem"
    key_file.write_bytes(client_key.as_pem(private=True))
    provider.client_public_key = RSAKey.import_key(client_key.as_pem(private=False))
    app = make_test_app(
        database_url,
        provider.issuer,
        OIDC_CLIENT_AUTH_METHOD="private_key_jwt",
        OIDC_PRIVATE_KEY_FILE=str(key_file),
    )
    from app.services.demo import seed_demo_people

    seed_demo_people(db)
    client = app.test_client()
    query = begin(client, provider)  # type: ignore[arg-type]
    provider.id_token = provider.sign(provider.claims(query["nonce"]))
    response = callback(client, query["state"])  # type: ignore[arg-type]
    assert provider.failures == []
    assert "client_secret" not in provider.token_requests[0]
    assert response.status_code == 302
    assert db.scalar(select(Person.first_name_latin).join(Account)) == "Youssef"
