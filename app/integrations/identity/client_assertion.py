"""``private_key_jwt`` (RFC 7523, OpenID Connect Core 9): the portal proves
who it is at the token endpoint with a short JWT signed by its own key.

The key is read and checked once, at start-up: a key the portal cannot use
(unreadable, a public key, the wrong type or curve, too short) would
otherwise only show on the first citizen's login, as a failed token
exchange. The error names the setting to fix.

The assertion's header carries ``kid``, the key's RFC 7638 thumbprint, so
that a provider holding several of our keys (during a rotation) picks the
right one without trying each.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authlib.common.urls import add_params_to_qs
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from app.config import ConfigError

KEY_SETTING = "OIDC_PRIVATE_KEY_FILE"
ALG_SETTING = "OIDC_CLIENT_ASSERTION_ALG"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Long enough for clock skew between us and the provider, short enough that
# a leaked assertion is soon worthless (each also carries a unique jti).
ASSERTION_LIFETIME_SECONDS = 60
MINIMUM_RSA_BITS = 2048
# The first algorithm of each key type is the default.
ALGS_FOR_KEY_TYPE = {"RSA": ("RS256", "PS256"), "EC": ("ES256",)}


@dataclass(frozen=True)
class ClientKey:
    key: RSAKey | ECKey
    alg: str
    kid: str


def _private_key(path: str) -> Any:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ConfigError(f"{KEY_SETTING}: cannot read {path} ({error.strerror})") from error
    try:
        return serialization.load_pem_private_key(data, password=None)
    except TypeError as error:  # a passphrase-protected key
        raise ConfigError(
            f"{KEY_SETTING}: {path} is encrypted; give the portal the key without a passphrase"
        ) from error
    except (ValueError, UnsupportedAlgorithm) as error:
        raise ConfigError(
            f"{KEY_SETTING}: {path} holds no PEM private key "
            "(a public key or a certificate cannot sign)"
        ) from error


def load_client_key(path: str | None, alg: str | None = None) -> ClientKey:
    """The key that signs our client assertions, and the algorithm it signs with."""
    if not path:
        raise ConfigError(f"{KEY_SETTING} is required with OIDC_CLIENT_AUTH_METHOD=private_key_jwt")
    private = _private_key(path)
    key: RSAKey | ECKey
    if isinstance(private, rsa.RSAPrivateKey):
        if private.key_size < MINIMUM_RSA_BITS:
            raise ConfigError(
                f"{KEY_SETTING}: an RSA key of {private.key_size} bits is too short "
                f"({MINIMUM_RSA_BITS} at least)"
            )
        key = RSAKey.import_key(private)
    elif isinstance(private, ec.EllipticCurvePrivateKey):
        if not isinstance(private.curve, ec.SECP256R1):
            raise ConfigError(
                f"{KEY_SETTING}: an EC key must be on the P-256 curve, not {private.curve.name}"
            )
        key = ECKey.import_key(private)
    else:
        raise ConfigError(
            f"{KEY_SETTING}: a {type(private).__name__} cannot sign client assertions; "
            "use an RSA or an EC P-256 key"
        )
    allowed = ALGS_FOR_KEY_TYPE[key.key_type]
    chosen = alg or allowed[0]
    if chosen not in allowed:
        raise ConfigError(
            f"{ALG_SETTING}={chosen} does not fit the {key.key_type} key in {KEY_SETTING} "
            f"(use {' or '.join(allowed)})"
        )
    return ClientKey(key=key, alg=chosen, kid=key.thumbprint())


class ClientAssertion:
    """Authlib's hook for ``private_key_jwt``: adds a fresh assertion to each
    token request.

    We sign it ourselves rather than through Authlib's ``PrivateKeyJWT``,
    which assumes an RSA key and an hour-long assertion.
    """

    name = "private_key_jwt"

    def __init__(self, client_key: ClientKey) -> None:
        self.client_key = client_key

    def assertion(self, client_id: str, token_endpoint: str) -> str:
        issued_at = int(time.time())
        claims = {
            "iss": client_id,
            "sub": client_id,
            # The token endpoint, as Core 9 says and eSignet requires.
            "aud": token_endpoint,
            "jti": secrets.token_urlsafe(32),
            "iat": issued_at,
            "exp": issued_at + ASSERTION_LIFETIME_SECONDS,
        }
        header = {"alg": self.client_key.alg, "kid": self.client_key.kid}
        return jwt.encode(header, claims, self.client_key.key, algorithms=[self.client_key.alg])

    def __call__(
        self, auth: Any, method: str, uri: str, headers: dict[str, str], body: str
    ) -> tuple[str, dict[str, str], str]:
        body = add_params_to_qs(
            body or "",
            [
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", self.assertion(auth.client_id, uri)),
            ],
        )
        return uri, headers, body
