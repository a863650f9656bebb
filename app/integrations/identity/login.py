"""The login flow against the configured provider: authorization code with
PKCE (S256), state and nonce, then the ID token, then userinfo if needed.

Authlib's Flask client does the HTTP plumbing: discovery, the authorization
URL, the code exchange. Every check that decides whether the answer is
genuine is ours (tokens.py, userinfo.py), and so is client authentication
with a private key (client_assertion.py).
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask

from app.domain.identity_claims import ClaimNames, claims_request, knows_who, merged_with_userinfo
from app.integrations.identity.client_assertion import ClientAssertion, load_client_key
from app.integrations.identity.errors import LoginRefused, ProviderUnavailable
from app.integrations.identity.reachability import ReachabilityCheck
from app.integrations.identity.tokens import (
    Expected,
    ProviderKeys,
    verify_id_token,
    verify_userinfo_jwt,
)
from app.integrations.identity.userinfo import ACCEPT, check_same_subject, userinfo_claims

log = logging.getLogger(__name__)
# Seconds we wait for the provider's metadata, token and userinfo answers.
HTTP_TIMEOUT_SECONDS = 10


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
    def from_dict(cls, data: object) -> PendingLogin | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                **{k: str(data[k]) for k in ("state", "nonce", "code_verifier", "redirect_uri")}
            )
        except KeyError:
            return None


@dataclass(frozen=True)
class VerifiedIdentity:
    """Who signed in, as the provider vouched. ``state`` names this login:
    it may sign someone in once."""

    issuer: str
    subject: str
    claims: dict[str, Any]
    state: str


class OidcLogin:
    """The login flow against one configured provider."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.issuer: str = config["OIDC_ISSUER"]
        self.client_id: str = config["OIDC_CLIENT_ID"]
        self.userinfo_mode: str = config["OIDC_USERINFO"]
        self.claims_parameter: bool = config["OIDC_CLAIMS_PARAMETER"]
        self.claim_names = ClaimNames(
            idcs=config["OIDC_IDCS_CLAIM"],
            cnie=config["OIDC_CNIE_CLAIM"],
            roles=config["OIDC_ROLES_CLAIM"],
            office=config["OIDC_OFFICE_CLAIM"],
        )
        method = config["OIDC_CLIENT_AUTH_METHOD"]
        secret: str | None = config["OIDC_CLIENT_SECRET"]
        auth_methods = None
        if method == "private_key_jwt":
            # Read and checked now: an unusable key stops the start-up.
            key = load_client_key(
                config["OIDC_PRIVATE_KEY_FILE"], config["OIDC_CLIENT_ASSERTION_ALG"]
            )
            auth_methods = [ClientAssertion(key)]
            secret = None
        self.client = OAuth(app).register(
            "national_id",
            client_id=self.client_id,
            client_secret=secret,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": config["OIDC_SCOPES"],
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": method,
                "default_timeout": HTTP_TIMEOUT_SECONDS,
            },
            client_auth_methods=auth_methods,
        )
        self.expected = Expected(
            keys=ProviderKeys(lambda fresh: self.client.fetch_jwk_set(force=fresh)),
            issuer=self.issuer,
            client_id=self.client_id,
            allowed_algs=list(config["OIDC_ID_TOKEN_ALGS"]),
            leeway=config["OIDC_LEEWAY_SECONDS"],
        )
        self.reachability = ReachabilityCheck()

    # -- the way out -------------------------------------------------------------

    def _metadata(self) -> dict[str, Any]:
        try:
            metadata: dict[str, Any] = self.client.load_server_metadata()
        except Exception as error:  # the provider is down or answers nonsense
            raise ProviderUnavailable("no metadata") from error
        if metadata.get("issuer") != self.issuer:
            # OpenID Connect Discovery 4.3: another issuer's metadata is not ours.
            log.error("the provider's metadata names another issuer")
            raise ProviderUnavailable("issuer mismatch")
        return metadata

    def begin(self, redirect_uri: str) -> tuple[str, PendingLogin]:
        """The provider URL to send the browser to, and what to remember meanwhile.

        Raises ProviderUnavailable when the provider does not answer.
        """
        endpoint = self._metadata().get("authorization_endpoint")
        if not endpoint or not self.reachability.answers(str(endpoint)):
            raise ProviderUnavailable("authorization endpoint not answering")
        nonce = secrets.token_urlsafe(32)
        extra = {"nonce": nonce}
        if self.claims_parameter:
            # Where we read the claims: userinfo, unless we were told never to call it.
            target = "id_token" if self.userinfo_mode == "never" else "userinfo"
            request = {target: claims_request(self.claim_names)}
            extra["claims"] = json.dumps(request, separators=(",", ":"), ensure_ascii=False)
        result = self.client.create_authorization_url(redirect_uri, **extra)
        pending = PendingLogin(
            state=result["state"],
            nonce=nonce,
            code_verifier=result["code_verifier"],
            redirect_uri=redirect_uri,
        )
        return result["url"], pending

    # -- the way back ------------------------------------------------------------

    def complete(self, args: dict[str, str], pending: PendingLogin | None) -> VerifiedIdentity:
        """Check the provider's answer, exchange the code, verify the ID token,
        and read userinfo when the portal needs it."""
        if pending is None:
            raise LoginRefused("unknown_state")
        state = args.get("state") or ""
        if not hmac.compare_digest(state.encode(), pending.state.encode()):
            raise LoginRefused("state_mismatch")
        self._check_issuer_parameter(args)
        if args.get("error"):
            raise LoginRefused("provider_refused")
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
        claims = verify_id_token(id_token, self.expected, nonce=pending.nonce)
        if self._needs_userinfo(claims):
            claims = merged_with_userinfo(claims, self._userinfo(token, claims["sub"]))
        return VerifiedIdentity(
            issuer=self.issuer, subject=str(claims["sub"]), claims=claims, state=pending.state
        )

    def _check_issuer_parameter(self, args: dict[str, str]) -> None:
        """RFC 9207: the answer says which provider sent it, so that an answer
        from another provider (a mix-up attack) is never taken for this one's."""
        received = args.get("iss")
        if received is None:
            if self._metadata().get("authorization_response_iss_parameter_supported") is True:
                raise LoginRefused("missing_iss_parameter")
            return
        if received != self.issuer:
            raise LoginRefused("wrong_iss_parameter")

    def _needs_userinfo(self, id_token_claims: dict[str, Any]) -> bool:
        if self.userinfo_mode == "always":
            return True
        if self.userinfo_mode == "never":
            return False
        return not knows_who(id_token_claims, self.claim_names)

    def _userinfo(self, token: dict[str, Any], subject: str) -> dict[str, Any]:
        endpoint = self._metadata().get("userinfo_endpoint")
        if not endpoint:
            if self.userinfo_mode == "always":
                raise LoginRefused("no_userinfo_endpoint")
            return {}  # nothing more to learn; signing in decides if it is enough
        try:
            response = self.client.get(str(endpoint), token=token, headers={"Accept": ACCEPT})
        except Exception as error:
            log.warning("userinfo request failed: %s", type(error).__name__)
            raise LoginRefused("userinfo_failed") from error
        claims = userinfo_claims(
            response.status_code,
            response.headers.get("Content-Type", ""),
            response.content,
            verify_jwt=lambda jwt: verify_userinfo_jwt(jwt, self.expected),
        )
        check_same_subject(claims, subject)
        return claims

    # -- logout ------------------------------------------------------------------

    def end_session_url(self, post_logout_redirect_uri: str) -> str | None:
        """The provider's logout address, when it has one (RP-initiated logout).

        We identify ourselves with ``client_id`` rather than ``id_token_hint``:
        the ID token carries the IDCS, and no national id may travel in a URL.
        """
        try:
            metadata = self._metadata()
        except ProviderUnavailable:  # our own logout still happened
            return None
        if not metadata.get("end_session_endpoint"):
            return None
        result = self.client.create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri,
            client_id=self.client_id,
        )
        return str(result["url"])
