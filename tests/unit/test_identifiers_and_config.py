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
        "SIGNING_KEY_FILE",
        "SIGNING_CERT_FILE",
        "PUBLIC_BASE_URL",
        "AUDIT_CHAIN_KEY",
    ):
        assert name in message


# What every production deployment sets besides the identity provider's settings.
PRODUCTION_FILES = {
    "SIGNING_KEY_FILE": "/run/secrets/signing-key.pem",
    "SIGNING_CERT_FILE": "/run/secrets/signing-cert.pem",
    "PUBLIC_BASE_URL": "https://rsu.example.ma",
    "AUDIT_CHAIN_KEY": "k" * 40,
}


def test_production_with_private_key_jwt_needs_the_key_file() -> None:
    env = {
        "RSU_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": "postgresql+psycopg://portal@db/rsu",
        "OIDC_ISSUER": "https://esignet.example",
        "OIDC_CLIENT_ID": "rsu",
        "OIDC_CLIENT_AUTH_METHOD": "private_key_jwt",
        **PRODUCTION_FILES,
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
            **PRODUCTION_FILES,
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


def test_certificate_numbers_carry_60_random_bits_and_catch_every_single_typo() -> None:
    import math
    import secrets

    from app.domain.identifiers import (
        certificate_number,
        format_certificate_number,
        normalize_certificate_number,
    )

    assert math.log2(9 * 10**18) > 60
    for _ in range(200):
        number = certificate_number(secrets.randbelow(9 * 10**18))
        assert len(number) == 20 and number.isdecimal() and number[0] != "0"
        assert normalize_certificate_number(number) == number
        assert normalize_certificate_number(format_certificate_number(number)) == number
        assert (
            normalize_certificate_number(format_certificate_number(number).replace("-", " "))
            == number
        )
        for position in range(20):
            for digit in "0123456789":
                if digit != number[position]:
                    typo = number[:position] + digit + number[position + 1 :]
                    assert normalize_certificate_number(typo) is None
    assert normalize_certificate_number("١٢٣٤") is None  # Arabic-Indic digits are not ours
    assert normalize_certificate_number("12345") is None


def test_production_refuses_the_development_audit_chain_key() -> None:
    from app.config import DEVELOPMENT_AUDIT_CHAIN_KEY

    env = {"RSU_ENV": "production", "SECRET_KEY": "s" * 40, "OIDC_CLIENT_SECRET": "x",
           "DATABASE_URL": "postgresql+psycopg://portal@db/rsu", "OIDC_CLIENT_ID": "rsu",
           "OIDC_ISSUER": "https://esignet.example", **PRODUCTION_FILES}  # fmt: skip
    validate(settings_from_env(env))
    with pytest.raises(ConfigError, match="AUDIT_CHAIN_KEY"):
        validate(settings_from_env({**env, "AUDIT_CHAIN_KEY": DEVELOPMENT_AUDIT_CHAIN_KEY}))


def test_a_bad_number_or_yes_no_stops_the_start_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="SMTP_PORT must be a whole number, not 'vingt-cinq'"):
        settings_from_env({"SMTP_PORT": "vingt-cinq"})
    with pytest.raises(ConfigError, match="SMTP_STARTTLS must be true or false, not 'oui'"):
        settings_from_env({"SMTP_STARTTLS": "oui"})
    read = settings_from_env({"SMTP_PORT": "587", "SMTP_STARTTLS": "true"})
    assert read["SMTP_PORT"] == 587 and read["SMTP_STARTTLS"] is True
    assert settings_from_env({})["SESSION_IDLE_MINUTES"] == 30  # the one default, in SETTINGS
