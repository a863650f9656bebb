"""Settings, read from the environment.

Every setting the portal understands is listed in ``SETTINGS`` with its
default and a one-line description; the README table is checked against this
list by a test, so the two cannot drift apart.

Production refuses to start without its secrets: a portal that silently falls
back to a development key or an SQLite file would be a security incident, not
a convenience.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
DEVELOPMENT_OIDC_ISSUER = "http://127.0.0.1:8001"
DEVELOPMENT_AUDIT_CHAIN_KEY = "development-only-audit-chain-key"


LOG_FORMATS = ("text", "json")

# The signatures a client assertion may carry: RSA (PKCS#1 v1.5 or PSS) and EC P-256.
CLIENT_ASSERTION_ALGS = ("RS256", "PS256", "ES256")


class ConfigError(RuntimeError):
    """Raised when the portal cannot start safely with the given settings."""


def text(_name: str, value: str) -> str:
    return value


def whole_number(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def yes_no(name: str, value: str) -> bool:
    if value.lower() in ("true", "yes", "1"):
        return True
    if value.lower() in ("false", "no", "0"):
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def url(_name: str, value: str) -> str | None:
    """Without its trailing slash, so that paths can be appended."""
    return value.rstrip("/") or None


def word_list(_name: str, value: str) -> list[str]:
    return [word.strip() for word in value.split(",") if word.strip()]


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(name: str, value: str) -> list[IPNetwork]:
    """Comma-separated CIDRs (``10.0.0.0/8,::1/128``); a bare address is a /32 or /128."""
    try:
        return [ipaddress.ip_network(word, strict=False) for word in word_list(name, value)]
    except ValueError as error:
        raise ConfigError(f"{name} must list networks such as 10.0.0.0/8: {error}") from None


def path(_name: str, value: str) -> str:
    return str(_under_root(value))


def database_url(_name: str, value: str) -> str:
    return _sqlite_url_under_root(value)


@dataclass(frozen=True)
class Setting:
    """One environment variable: its default (written once, here), what it
    means, and how its text becomes a value. A bad value stops the start,
    naming the variable."""

    name: str
    default: str | None
    description: str
    required_in_production: bool = False
    parse: Callable[[str, str], Any] = text


SETTINGS: tuple[Setting, ...] = (
    Setting("RSU_ENV", "development", "`development`, `test` or `production`."),
    Setting(
        "SECRET_KEY",
        None,
        "Signs the session cookie and CSRF tokens. Development uses a fixed key.",
        required_in_production=True,
    ),
    Setting(
        "AUDIT_CHAIN_KEY",
        None,
        "Keys the audit trail's hash chain (HMAC). Kept outside the database, so that "
        "whoever can write to it cannot rewrite rows unseen. Development uses a fixed key.",
        required_in_production=True,
    ),
    Setting(
        "DATABASE_URL",
        "sqlite:///instance/rsu.sqlite3",
        "SQLAlchemy URL. PostgreSQL: `postgresql+psycopg://user@host/db`.",
        required_in_production=True,
        parse=database_url,
    ),
    Setting(
        "OIDC_ISSUER",
        DEVELOPMENT_OIDC_ISSUER,
        "Issuer of the identity provider; discovery is read from "
        "`<issuer>/.well-known/openid-configuration`.",
        required_in_production=True,
        parse=url,
    ),
    Setting(
        "OIDC_CLIENT_ID",
        "rsu-portal",
        "Client id registered with the identity provider.",
        required_in_production=True,
    ),
    Setting(
        "OIDC_CLIENT_AUTH_METHOD",
        "client_secret_basic",
        "`client_secret_basic` or `private_key_jwt` (MOSIP eSignet accepts only the latter).",
    ),
    Setting(
        "OIDC_CLIENT_SECRET",
        "development-client-secret",
        "Client secret, for `client_secret_basic`.",
    ),
    Setting(
        "OIDC_PRIVATE_KEY_FILE",
        None,
        "PEM private key (RSA of 2048 bits or more, or EC P-256) that signs client "
        "assertions, for `private_key_jwt`. The portal refuses to start with a key it "
        "cannot use. Its public JWK, with the key's RFC 7638 thumbprint as `kid`, is "
        "what the provider registers.",
    ),
    Setting(
        "OIDC_CLIENT_ASSERTION_ALG",
        None,
        "Signature algorithm of client assertions: `RS256` or `PS256` with an RSA key, "
        "`ES256` with an EC P-256 key. By default it follows the key (`RS256`, `ES256`).",
    ),
    Setting(
        "OIDC_SCOPES",
        "openid profile phone",
        "Scopes requested at login (`phone` for the phone number).",
    ),
    Setting(
        "OIDC_CLAIMS_PARAMETER",
        "false",
        "`true` to name the claims the portal needs in the `claims` request parameter, "
        "the national numbers as essential (MOSIP eSignet works this way).",
        parse=yes_no,
    ),
    Setting(
        "OIDC_USERINFO",
        "auto",
        "When to call the userinfo endpoint: `auto` (when the ID token does not say who "
        "signed in), `always` or `never`.",
    ),
    Setting(
        "OIDC_ID_TOKEN_ALGS",
        "RS256,PS256,ES256",
        "Signature algorithms accepted on ID tokens and signed userinfo. `none` is always refused.",
        parse=word_list,
    ),
    Setting("OIDC_IDCS_CLAIM", "idcs", "Claim that carries the IDCS."),
    Setting("OIDC_CNIE_CLAIM", "cnie", "Claim that carries the CNIE number."),
    Setting("OIDC_ROLES_CLAIM", "roles", "Claim that carries staff roles."),
    Setting("OIDC_OFFICE_CLAIM", "office", "Claim that carries a staff member's office."),
    Setting(
        "OIDC_LEEWAY_SECONDS",
        "60",
        "Clock skew tolerated on ID-token times, in seconds.",
        parse=whole_number,
    ),
    Setting(
        "SESSION_IDLE_MINUTES",
        "30",
        "A session ends after this long without a request.",
        parse=whole_number,
    ),
    Setting(
        "SESSION_ABSOLUTE_HOURS",
        "12",
        "A session ends this long after login, whatever.",
        parse=whole_number,
    ),
    Setting(
        "DRAFT_RETENTION_DAYS",
        "90",
        "A registration draft untouched this long is deleted (`flask drafts purge`).",
        parse=whole_number,
    ),
    Setting(
        "RETENTION_DAYS",
        "1825",
        "Data of a deregistered household is deleted this long after deregistration "
        "(`flask retention purge`). 5 years by default; the ANR's retention policy decides.",
        parse=whole_number,
    ),
    Setting(
        "DOCUMENT_STORE",
        "database",
        "Where supporting documents' bytes are kept: `database` (a table of the database, "
        "shared by every node, written in the transaction of the document's row) or `local` "
        "(files under UPLOAD_DIR, one machine only). See docs/deployment.md.",
    ),
    Setting(
        "UPLOAD_DIR",
        "instance/uploads",
        "With `DOCUMENT_STORE=local`: where supporting documents are stored, outside the web root.",
        parse=path,
    ),
    Setting(
        "VIRUS_SCANNER",
        "accept-everything-development",
        "Scans supporting documents before they are stored. Only "
        "`accept-everything-development` exists yet: it scans nothing.",
    ),
    Setting(
        "REVIEW_DUE_DAYS",
        "30",
        "A review request must be answered within this many days.",
        parse=whole_number,
    ),
    Setting(
        "SMS_BACKEND",
        "log",
        "`log` (development: written to the log and the outbox page) or `http`.",
    ),
    Setting("SMS_GATEWAY_URL", None, "For `SMS_BACKEND=http`: the gateway's URL (POST, JSON)."),
    Setting("SMS_GATEWAY_TOKEN", None, "For `SMS_BACKEND=http`: the gateway's bearer token."),
    Setting("EMAIL_BACKEND", "log", "`log` (development) or `smtp`."),
    Setting("SMTP_HOST", "localhost", "For `EMAIL_BACKEND=smtp`."),
    Setting("SMTP_PORT", "25", "For `EMAIL_BACKEND=smtp`.", parse=whole_number),
    Setting("SMTP_USERNAME", None, "For `EMAIL_BACKEND=smtp`, if the server asks for a login."),
    Setting("SMTP_PASSWORD", None, "For `EMAIL_BACKEND=smtp`, if the server asks for a login."),
    Setting(
        "SMTP_STARTTLS",
        "false",
        "For `EMAIL_BACKEND=smtp`: `true` to require STARTTLS.",
        parse=yes_no,
    ),
    Setting("MAIL_FROM", "rsu-portal@example.invalid", "Sender address of emails."),
    Setting(
        "SIGNING_KEY_FILE",
        "instance/dev-signing/key.pem",
        "Private key (PEM) that signs certificates. `make setup` makes a development pair.",
        required_in_production=True,
        parse=path,
    ),
    Setting(
        "SIGNING_CERT_FILE",
        "instance/dev-signing/cert.pem",
        "X.509 certificate (PEM) of the signing key, embedded in every signature.",
        required_in_production=True,
        parse=path,
    ),
    Setting(
        "PUBLIC_BASE_URL",
        "http://127.0.0.1:8000",
        "The portal's public address: printed on certificates for their verification, and "
        "the base of the login's redirect URI (`<PUBLIC_BASE_URL>/auth/callback`). In "
        "production, requests for any other host are refused.",
        required_in_production=True,
        parse=url,
    ),
    Setting(
        "VERIFY_LOOKUPS_PER_HOUR",
        "60",
        "Certificate numbers one visitor (by IP address) may look up per hour on /verify.",
        parse=whole_number,
    ),
    Setting(
        "ASSISTED_SESSION_MINUTES",
        "30",
        "How long a counter agent may act for a citizen after the citizen's consent.",
        parse=whole_number,
    ),
    Setting(
        "PROXY_COUNT",
        "0",
        "Reverse proxies in front of the portal that set X-Forwarded-For (visitors' addresses).",
        parse=whole_number,
    ),
    Setting("LOG_LEVEL", "INFO", "Python logging level. Logs never carry IDs or tokens."),
    Setting(
        "LOG_FORMAT",
        "text",
        "`text` (one line per record, for people) or `json` (one JSON object per line, for "
        "a log collector: timestamp, level, logger, message, request_id; the request line "
        "adds method, route, status and duration_ms).",
    ),
    Setting(
        "METRICS_ALLOWED_NETWORKS",
        "127.0.0.0/8,::1/128",
        "Networks (comma-separated CIDRs) whose addresses may read `/metrics`; any other "
        "gets a 404. Checked against the connection's own address, never X-Forwarded-For.",
        parse=networks,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _sqlite_url_under_root(url: str) -> str:
    """Anchor a relative SQLite path at the project root so `flask` works from anywhere."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        relative = url[len(prefix) :]
        if relative and relative != ":memory:":
            path = PROJECT_ROOT / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            return prefix + str(path)
    return url


def _under_root(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else PROJECT_ROOT / candidate


def _public_host(public_base_url: str | None) -> list[str] | None:
    host = urlsplit(public_base_url).hostname if public_base_url else None
    return [host] if host else None


def settings_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every setting from the environment.

    In production, settings marked ``required_in_production`` get no default:
    they stay None and ``validate`` refuses to start.
    """
    env = os.environ if env is None else env
    rsu_env = env.get("RSU_ENV") or str(_BY_NAME["RSU_ENV"].default)
    production = rsu_env == "production"

    def get(name: str) -> str | None:
        value = env.get(name)
        if value:
            return value
        setting = _BY_NAME[name]
        if production and setting.required_in_production:
            return None
        return setting.default

    def value(name: str) -> Any:
        """The setting's text through its parser (None stays None)."""
        typed = get(name)
        return None if typed is None else _BY_NAME[name].parse(name, typed)

    settings = {setting.name: value(setting.name) for setting in SETTINGS}
    # Development runs without secrets of its own; production never does (validate).
    if not production:
        settings["SECRET_KEY"] = settings["SECRET_KEY"] or DEVELOPMENT_SECRET_KEY
        settings["AUDIT_CHAIN_KEY"] = settings["AUDIT_CHAIN_KEY"] or DEVELOPMENT_AUDIT_CHAIN_KEY
    else:  # the development client secret is a default, not a secret
        settings["OIDC_CLIENT_SECRET"] = env.get("OIDC_CLIENT_SECRET") or None
    settings["RSU_ENV"] = rsu_env
    return settings | _flask_settings(rsu_env, settings["PUBLIC_BASE_URL"])


def _flask_settings(rsu_env: str, public_base_url: str | None) -> dict[str, Any]:
    """Flask's and its extensions' own settings, which follow from ours."""
    production = rsu_env == "production"
    return {
        "DEBUG": False,
        "TESTING": rsu_env == "test",
        # Cookie flags: Secure only where TLS is guaranteed (production).
        "SESSION_COOKIE_NAME": "rsu_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Production answers only requests for its public host: a forged Host
        # header cannot make the portal build links (or an OIDC redirect URI)
        # to another site.
        "TRUSTED_HOSTS": _public_host(public_base_url) if production else None,
        "WTF_CSRF_TIME_LIMIT": None,  # the CSRF token lives as long as the session
        # Our forms never use WTForms' own messages (every rule and message is
        # ours), so its catalogues need not be loaded on every request.
        "WTF_I18N_ENABLED": False,
        # Request size limits are the input boundary's (app/web/input_boundary.py).
    }


def validate(settings: Mapping[str, Any]) -> None:
    """Refuse settings the portal cannot run safely with.

    In production every missing secret is named at once, so that an operator
    fixes them in one go rather than one restart at a time.
    """
    if settings["RSU_ENV"] not in {"development", "test", "production"}:
        raise ConfigError(
            f"RSU_ENV must be development, test or production, not {settings['RSU_ENV']!r}"
        )
    method = settings["OIDC_CLIENT_AUTH_METHOD"]
    if method not in {"client_secret_basic", "private_key_jwt"}:
        raise ConfigError("OIDC_CLIENT_AUTH_METHOD must be client_secret_basic or private_key_jwt")
    if "openid" not in (settings["OIDC_SCOPES"] or "").split():
        raise ConfigError("OIDC_SCOPES must include openid")
    if settings["OIDC_USERINFO"] not in {"auto", "always", "never"}:
        raise ConfigError("OIDC_USERINFO must be auto, always or never")
    assertion_alg = settings.get("OIDC_CLIENT_ASSERTION_ALG")
    if assertion_alg and assertion_alg not in CLIENT_ASSERTION_ALGS:
        raise ConfigError(
            "OIDC_CLIENT_ASSERTION_ALG must be one of " + ", ".join(CLIENT_ASSERTION_ALGS)
        )
    algs = settings["OIDC_ID_TOKEN_ALGS"]
    if not algs or any(a.lower() == "none" for a in algs):
        raise ConfigError("OIDC_ID_TOKEN_ALGS must list real signature algorithms, never none")
    if settings["SMS_BACKEND"] not in {"log", "http"}:
        raise ConfigError("SMS_BACKEND must be log or http")
    if settings["SMS_BACKEND"] == "http" and not (
        settings.get("SMS_GATEWAY_URL") and settings.get("SMS_GATEWAY_TOKEN")
    ):
        raise ConfigError("SMS_BACKEND=http needs SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN")
    if settings["EMAIL_BACKEND"] not in {"log", "smtp"}:
        raise ConfigError("EMAIL_BACKEND must be log or smtp")
    if settings["DOCUMENT_STORE"] not in {"database", "local"}:
        raise ConfigError("DOCUMENT_STORE must be database or local")
    if settings["LOG_FORMAT"] not in LOG_FORMATS:
        raise ConfigError("LOG_FORMAT must be text or json")
    if settings["VIRUS_SCANNER"] != "accept-everything-development":
        raise ConfigError("VIRUS_SCANNER must be accept-everything-development (the only one yet)")

    if settings["RSU_ENV"] != "production":
        return
    missing = [s.name for s in SETTINGS if s.required_in_production and not settings.get(s.name)]
    if method == "private_key_jwt" and not settings.get("OIDC_PRIVATE_KEY_FILE"):
        missing.append("OIDC_PRIVATE_KEY_FILE")
    if method == "client_secret_basic" and not settings.get("OIDC_CLIENT_SECRET"):
        missing.append("OIDC_CLIENT_SECRET")
    if settings.get("SECRET_KEY") == DEVELOPMENT_SECRET_KEY and "SECRET_KEY" not in missing:
        missing.append("SECRET_KEY (the development key is not a secret)")
    if settings.get("AUDIT_CHAIN_KEY") == DEVELOPMENT_AUDIT_CHAIN_KEY:
        missing.append("AUDIT_CHAIN_KEY (the development key is not a secret)")
    if missing:
        raise ConfigError(
            "Refusing to start in production: missing setting(s) " + ", ".join(missing)
        )
