from __future__ import annotations

import pytest

from app.config import ConfigError, settings_from_env, validate
from app.domain.identifiers import is_valid_rsu_number, rsu_number
from app.logging_setup import redact


def test_rsu_numbers_carry_a_check_digit() -> None:
    number = rsu_number(1234)
    assert number.startswith("RSU-00001234") and len(number) == 13
    assert is_valid_rsu_number(number)
    typo = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    assert not is_valid_rsu_number(typo)


def test_development_has_safe_defaults() -> None:
    settings = settings_from_env({})
    validate(settings)
    assert settings["DATABASE_URL"].startswith("sqlite:///")
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_production_refuses_to_start_and_names_every_missing_setting() -> None:
    with pytest.raises(ConfigError) as error:
        validate(settings_from_env({"RSU_ENV": "production"}))
    message = str(error.value)
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "OIDC_ISSUER",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
    ):
        assert name in message


def test_production_with_private_key_jwt_needs_the_key_file() -> None:
    env = {
        "RSU_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": "postgresql+psycopg://portal@db/rsu",
        "OIDC_ISSUER": "https://esignet.example",
        "OIDC_CLIENT_ID": "rsu",
        "OIDC_CLIENT_AUTH_METHOD": "private_key_jwt",
    }
    with pytest.raises(ConfigError, match="OIDC_PRIVATE_KEY_FILE"):
        validate(settings_from_env(env))
    validate(settings_from_env({**env, "OIDC_PRIVATE_KEY_FILE": "/run/secrets/oidc.pem"}))


def test_production_settings_turn_on_secure_cookies() -> None:
    settings = settings_from_env(
        {
            "RSU_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "DATABASE_URL": "postgresql+psycopg://portal@db/rsu",
            "OIDC_ISSUER": "https://esignet.example",
            "OIDC_CLIENT_ID": "rsu",
            "OIDC_CLIENT_SECRET": "x",
        }
    )
    validate(settings)
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_none_is_never_an_accepted_algorithm() -> None:
    with pytest.raises(ConfigError):
        validate(settings_from_env({"OIDC_ID_TOKEN_ALGS": "RS256,none"}))


def test_logs_never_carry_ids_phones_or_codes() -> None:
    line = (
        "GET /auth/callback?code=abc123&state=xyz HTTP/1.1"
        " idcs 1000000201 cnie AB123456 +212661234567"
    )
    cleaned = redact(line)
    for secret in ("abc123", "xyz", "1000000201", "AB123456", "661234567"):
        assert secret not in cleaned
