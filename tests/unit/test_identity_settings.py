"""The login's settings: a client key the portal cannot use stops the start-up
and names the setting; the client assertion it signs; the other OIDC settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from app import create_app
from app.config import ConfigError, settings_from_env, validate
from app.integrations.identity.client_assertion import (
    ASSERTION_LIFETIME_SECONDS,
    ClientAssertion,
    load_client_key,
)

PRIVATE = serialization.PrivateFormat.PKCS8
PEM = serialization.Encoding.PEM


def _private_pem(key: Any, password: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return bytes(key.private_bytes(PEM, PRIVATE, encryption))


def _public_pem(key: Any) -> bytes:
    public = key.public_key()
    return bytes(public.public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


UNUSABLE: dict[str, tuple[Callable[[], bytes | None], str]] = {
    "a file that is not there": (lambda: None, "cannot read"),
    "a public key": (
        lambda: _public_pem(ec.generate_private_key(ec.SECP256R1())),
        "no PEM private key",
    ),
    "not a key at all": (lambda: b"hello\n", "no PEM private key"),
    "an Ed25519 key": (
        lambda: _private_pem(ed25519.Ed25519PrivateKey.generate()),
        "use an RSA or an EC P-256 key",
    ),
    "an EC key on P-384": (
        lambda: _private_pem(ec.generate_private_key(ec.SECP384R1())),
        "P-256",
    ),
    "a 1024-bit RSA key": (
        lambda: _private_pem(rsa.generate_private_key(65537, 1024)),  # noqa: S505 (the point)
        "too short",
    ),
    "a key under a passphrase": (
        lambda: _private_pem(ec.generate_private_key(ec.SECP256R1()), b"secret"),
        "encrypted",
    ),
}


@pytest.mark.parametrize("case", sorted(UNUSABLE))
def test_an_unusable_client_key_is_refused_naming_the_setting(case: str, tmp_path: Path) -> None:
    make, explanation = UNUSABLE[case]
    path = tmp_path / "client.pem"
    content = make()
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError) as error:
        load_client_key(str(path))
    assert "OIDC_PRIVATE_KEY_FILE" in str(error.value)
    assert explanation in str(error.value)


def test_the_portal_refuses_to_start_with_an_unusable_key(tmp_path: Path) -> None:
    path = tmp_path / "public.pem"
    path.write_bytes(_public_pem(rsa.generate_private_key(65537, 2048)))
    with pytest.raises(ConfigError, match="OIDC_PRIVATE_KEY_FILE"):
        create_app(
            {
                "RSU_ENV": "test",
                "DATABASE_URL": "sqlite://",
                "OIDC_CLIENT_AUTH_METHOD": "private_key_jwt",
                "OIDC_PRIVATE_KEY_FILE": str(path),
            }
        )


@pytest.mark.parametrize(
    ("make", "setting", "expected"),
    [
        (lambda: rsa.generate_private_key(65537, 2048), None, "RS256"),
        (lambda: rsa.generate_private_key(65537, 2048), "PS256", "PS256"),
        (lambda: ec.generate_private_key(ec.SECP256R1()), None, "ES256"),
    ],
)
def test_the_algorithm_follows_the_key_or_the_setting(
    make: Callable[[], Any], setting: str | None, expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "client.pem"
    path.write_bytes(_private_pem(make()))
    key = load_client_key(str(path), setting)
    assert key.alg == expected
    assert key.kid == key.key.thumbprint()


def test_an_algorithm_that_does_not_fit_the_key_names_both_settings(tmp_path: Path) -> None:
    path = tmp_path / "client.pem"
    path.write_bytes(_private_pem(ec.generate_private_key(ec.SECP256R1())))
    with pytest.raises(ConfigError) as error:
        load_client_key(str(path), "RS256")
    assert "OIDC_CLIENT_ASSERTION_ALG" in str(error.value)
    assert "OIDC_PRIVATE_KEY_FILE" in str(error.value)


def test_a_client_assertion_is_short_lived_unique_and_names_its_key(tmp_path: Path) -> None:
    path = tmp_path / "client.pem"
    private = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(_private_pem(private))
    signer = ClientAssertion(load_client_key(str(path)))
    public = ECKey.import_key(_public_pem(private))
    tokens = [
        jwt.decode(signer.assertion("rsu-portal", "https://op.example/token"), public)
        for _ in range(2)
    ]
    claims = tokens[0].claims
    assert (claims["iss"], claims["sub"], claims["aud"]) == (
        "rsu-portal",
        "rsu-portal",
        "https://op.example/token",
    )
    assert claims["exp"] - claims["iat"] == ASSERTION_LIFETIME_SECONDS
    assert tokens[0].claims["jti"] != tokens[1].claims["jti"]
    assert tokens[0].header["kid"] == public.thumbprint()
    assert tokens[0].header["alg"] == "ES256"


def test_rsa_keys_from_joserfc_and_cryptography_have_the_same_thumbprint(tmp_path: Path) -> None:
    """The kid the provider registers (from our public JWK) is the one we send."""
    key = RSAKey.generate_key(2048)
    path = tmp_path / "client.pem"
    path.write_bytes(key.as_pem(private=True))
    assert load_client_key(str(path)).kid == key.thumbprint()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OIDC_USERINFO": "sometimes"}, "OIDC_USERINFO"),
        ({"OIDC_CLIENT_ASSERTION_ALG": "HS256"}, "OIDC_CLIENT_ASSERTION_ALG"),
        ({"OIDC_SCOPES": "profile phone"}, "OIDC_SCOPES"),
    ],
)
def test_odd_oidc_settings_are_refused_by_name(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        validate(settings_from_env(env))


def test_the_defaults_ask_for_the_phone_and_call_userinfo_when_needed() -> None:
    settings = settings_from_env({})
    assert settings["OIDC_SCOPES"].split() == ["openid", "profile", "phone"]
    assert settings["OIDC_USERINFO"] == "auto"
    assert settings["OIDC_CLAIMS_PARAMETER"] is False
    assert settings["TRUSTED_HOSTS"] is None  # development answers any host


def test_production_trusts_only_its_public_host() -> None:
    settings = settings_from_env(
        {"RSU_ENV": "production", "PUBLIC_BASE_URL": "https://rsu.example.ma"}
    )
    assert settings["TRUSTED_HOSTS"] == ["rsu.example.ma"]
