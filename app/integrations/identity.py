"""The identity provider port: OpenID Connect login with the national ID.

One adapter serves both worlds: in production it talks to the national
provider (eSignet or similar), in development and tests to oidc-provider-mock.
Both are real OIDC providers reached over HTTP.

Authlib's Flask client does the HTTP plumbing (discovery, the authorization
URL with PKCE S256, the code exchange with ``client_secret_basic`` or
``private_key_jwt``). The checks that decide whether a login is genuine are
ours and explicit, because the provider's own metadata must not be able to
weaken them (Authlib would accept whatever algorithms discovery announces):

- ``state`` matches the one we stored for this browser session;
- the ID token is signed with an allowed algorithm (never ``none``) by a key
  from the provider's JWKS;
- ``iss`` is exactly the configured issuer, ``aud`` contains our client id,
  ``exp`` has not passed, and ``nonce`` is the one we sent.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import Flask, current_app
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

log = logging.getLogger(__name__)


class LoginRefused(Exception):
    """The login cannot be accepted. ``reason`` is a stable code for logs and tests."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PendingLogin:
    """What we must remember between the redirect to the provider and its return."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> PendingLogin | None:
        if not data:
            return None
        try:
            return cls(
                **{k: str(data[k]) for k in ("state", "nonce", "code_verifier", "redirect_uri")}
            )
        except KeyError:
            return None


@dataclass(frozen=True)
class VerifiedIdentity:
    issuer: str
    subject: str
    claims: dict[str, Any]


def verify_id_token(
    id_token: str,
    *,
    jwks: dict[str, Any],
    issuer: str,
    client_id: str,
    nonce: str,
    allowed_algs: list[str],
    leeway: int,
    now: float | None = None,
) -> dict[str, Any]:
    """Check an ID token as OpenID Connect Core 3.1.3.7 asks, and return its claims."""
    try:
        header = jws.extract_compact(id_token.encode()).protected
    except (JoseError, ValueError) as error:
        raise LoginRefused("malformed_id_token") from error
    alg = str(header.get("alg", ""))
    if alg.lower() == "none" or alg not in allowed_algs:
        raise LoginRefused("algorithm_not_allowed")
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=allowed_algs)  # type: ignore[arg-type]
    except JoseError as error:
        raise LoginRefused("bad_signature") from error
    except ValueError as error:
        raise LoginRefused("bad_signature") from error
    claims = dict(token.claims)

    if claims.get("iss") != issuer:
        raise LoginRefused("wrong_issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise LoginRefused("wrong_audience")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise LoginRefused("wrong_audience")
    current = time.time() if now is None else now
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp + leeway < current:
        raise LoginRefused("expired_token")
    iat = claims.get("iat")
    if isinstance(iat, (int, float)) and iat - leeway > current:
        raise LoginRefused("token_from_the_future")
    received_nonce = claims.get("nonce")
    if not isinstance(received_nonce, str) or not hmac.compare_digest(received_nonce, nonce):
        raise LoginRefused("nonce_mismatch")
    if not claims.get("sub"):
        raise LoginRefused("missing_subject")
    return claims


class OidcLogin:
    """The login flow against one configured provider."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.issuer: str = config["OIDC_ISSUER"]
        self.client_id: str = config["OIDC_CLIENT_ID"]
        self.allowed_algs: list[str] = list(config["OIDC_ID_TOKEN_ALGS"])
        self.leeway: int = config["OIDC_LEEWAY_SECONDS"]
        client_kwargs: dict[str, Any] = {
            "scope": config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": config["OIDC_CLIENT_AUTH_METHOD"],
            "timeout": 10,
        }
        auth_methods = None
        if config["OIDC_CLIENT_AUTH_METHOD"] == "private_key_jwt":
            # The private key takes the place of the secret; the assertion's
            # audience is the token endpoint, as eSignet requires.
            secret: str | None = Path(config["OIDC_PRIVATE_KEY_FILE"]).read_text()
            auth_methods = [PrivateKeyJWT()]
        else:
            secret = config["OIDC_CLIENT_SECRET"]
        oauth = OAuth(app)
        self.client = oauth.register(
            "national_id",
            client_id=self.client_id,
            client_secret=secret,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs=client_kwargs,
            client_auth_methods=auth_methods,
        )

    def begin(self, redirect_uri: str) -> tuple[str, PendingLogin]:
        """The provider URL to send the browser to, and what to remember meanwhile."""
        nonce = secrets.token_urlsafe(32)
        result = self.client.create_authorization_url(redirect_uri, nonce=nonce)
        pending = PendingLogin(
            state=result["state"],
            nonce=nonce,
            code_verifier=result["code_verifier"],
            redirect_uri=redirect_uri,
        )
        return result["url"], pending

    def complete(self, args: dict[str, str], pending: PendingLogin | None) -> VerifiedIdentity:
        """Check the provider's answer, exchange the code, verify the ID token."""
        if pending is None:
            raise LoginRefused("no_login_in_progress")
        if args.get("error"):
            raise LoginRefused("provider_refused")
        state = args.get("state") or ""
        if not hmac.compare_digest(state.encode(), pending.state.encode()):
            raise LoginRefused("state_mismatch")
        code = args.get("code")
        if not code:
            raise LoginRefused("missing_code")
        try:
            token = self.client.fetch_access_token(
                redirect_uri=pending.redirect_uri,
                code=code,
                code_verifier=pending.code_verifier,
            )
        except Exception as error:  # network failure or an OAuth error answer
            log.warning("token exchange failed: %s", type(error).__name__)
            raise LoginRefused("token_exchange_failed") from error
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise LoginRefused("missing_id_token")
        claims = self._verify(id_token, pending.nonce)
        return VerifiedIdentity(issuer=self.issuer, subject=str(claims["sub"]), claims=claims)

    def _verify(self, id_token: str, nonce: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "nonce": nonce,
            "allowed_algs": self.allowed_algs,
            "leeway": self.leeway,
        }
        try:
            return verify_id_token(id_token, jwks=self.client.fetch_jwk_set(), **kwargs)
        except LoginRefused as refusal:
            if refusal.reason != "bad_signature":
                raise
            # The provider may have rotated its keys: fetch them once more.
            return verify_id_token(id_token, jwks=self.client.fetch_jwk_set(force=True), **kwargs)

    def end_session_url(self, post_logout_redirect_uri: str) -> str | None:
        """The provider's logout address, when it has one (RP-initiated logout).

        We identify ourselves with ``client_id`` rather than ``id_token_hint``:
        the ID token carries the IDCS, and no national id may travel in a URL.
        """
        try:
            metadata = self.client.load_server_metadata()
        except Exception:  # the provider is down: our own logout still happened
            return None
        if not metadata.get("end_session_endpoint"):
            return None
        result = self.client.create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri,
            client_id=self.client_id,
        )
        return str(result["url"])


def init_identity(app: Flask) -> None:
    if app.config["RSU_ENV"] != "production" and app.config["OIDC_ISSUER"].startswith("http://"):
        # The development provider speaks plain HTTP on loopback; Authlib
        # refuses that unless told. Production never gets this.
        os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    app.extensions["rsu_identity"] = OidcLogin(app)


def identity_provider() -> OidcLogin:
    provider: OidcLogin = current_app.extensions["rsu_identity"]
    return provider
