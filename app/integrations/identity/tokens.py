"""Checking what the provider signs: the ID token (OpenID Connect Core 3.1.3.7)
and a userinfo answer sent as a signed JWT (Core 5.3.2).

These checks decide whether a login is genuine, so they are ours and
explicit: the provider's own metadata must not be able to weaken them
(Authlib would accept whatever algorithms discovery announces).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from app.integrations.identity.errors import LoginRefused

JwksFetcher = Callable[[bool], dict[str, Any]]
"""Returns the provider's JWKS; ``True`` asks for a fresh copy, not the cached one."""


def _is_time(value: object) -> bool:
    # JSON numbers only: Python's True is an int, and must not pass for a date.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class ProviderKeys:
    """The provider's public signing keys.

    A token that names a key we have not seen means the provider rotated its
    keys (or the token is forged): the set is fetched again once, then the
    signature decides.
    """

    def __init__(self, fetch: JwksFetcher) -> None:
        self._fetch = fetch

    def for_header(self, header: dict[str, Any]) -> KeySet:
        jwks = self._fetch(False)
        kid = header.get("kid")
        if kid is not None and kid not in {key.get("kid") for key in jwks.get("keys", [])}:
            jwks = self._fetch(True)
        # Keys published for encryption never verify a signature (RFC 7517 4.2).
        signing = [key for key in jwks.get("keys", []) if key.get("use", "sig") == "sig"]
        try:
            return KeySet.import_key_set({"keys": signing})
        except (JoseError, ValueError, KeyError) as error:
            raise LoginRefused("unusable_provider_keys") from error


@dataclass(frozen=True)
class Expected:
    """What every JWT from the provider must match: signed with one of the
    allowed algorithms by one of its keys, from its issuer, for our client,
    with times checked with ``leeway`` seconds of clock skew."""

    keys: ProviderKeys
    issuer: str
    client_id: str
    allowed_algs: Collection[str]
    leeway: int


def verified_jwt(
    token: str, expected: Expected, *, what: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a JWS signed by the provider with an allowed algorithm.

    ``what`` ("id_token", "userinfo") prefixes the refusal reasons.
    """
    try:
        header = dict(jws.extract_compact(token.encode()).protected)
    except (JoseError, ValueError) as error:
        raise LoginRefused(f"{what}_malformed") from error
    alg = str(header.get("alg", ""))
    if alg.lower() == "none" or alg not in expected.allowed_algs:
        raise LoginRefused(f"{what}_algorithm_not_allowed")
    key_set = expected.keys.for_header(header)
    try:
        decoded = jwt.decode(token, key_set, algorithms=list(expected.allowed_algs))
    except InvalidKeyIdError as error:
        raise LoginRefused(f"{what}_unknown_key") from error
    except (JoseError, ValueError) as error:
        raise LoginRefused(f"{what}_bad_signature") from error
    return header, dict(decoded.claims)


def _audiences(claims: dict[str, Any]) -> list[object]:
    audience = claims.get("aud")
    return list(audience) if isinstance(audience, list) else [audience]


def verify_id_token(
    id_token: str, expected: Expected, *, nonce: str, now: float | None = None
) -> dict[str, Any]:
    """The ID token's claims, once every check of Core 3.1.3.7 has passed."""
    header, claims = verified_jwt(id_token, expected, what="id_token")
    # RFC 8725 3.11: an access token or a logout token is not an ID token,
    # even when the same key signed it. ("application/" may be left out.)
    typ = header.get("typ")
    if typ is not None and str(typ).lower().removeprefix("application/") != "jwt":
        raise LoginRefused("id_token_wrong_type")

    if claims.get("iss") != expected.issuer:
        raise LoginRefused("wrong_issuer")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise LoginRefused("missing_subject")

    audiences = _audiences(claims)
    if expected.client_id not in audiences:
        raise LoginRefused("wrong_audience")
    # Core 3.1.3.7 items 4 and 5: with other audiences, the token must say it
    # was issued to us; and an azp that names someone else is never ours.
    if len(audiences) > 1 and "azp" not in claims:
        raise LoginRefused("missing_azp")
    if "azp" in claims and claims["azp"] != expected.client_id:
        raise LoginRefused("wrong_azp")

    current = time.time() if now is None else now
    exp = claims.get("exp")
    if not _is_time(exp):
        raise LoginRefused("missing_exp")
    if exp + expected.leeway < current:  # type: ignore[operator]
        raise LoginRefused("expired_token")
    iat = claims.get("iat")
    if not _is_time(iat):
        raise LoginRefused("missing_iat")
    if iat - expected.leeway > current:  # type: ignore[operator]
        raise LoginRefused("token_from_the_future")

    received_nonce = claims.get("nonce")
    if not isinstance(received_nonce, str):
        raise LoginRefused("missing_nonce")
    if not hmac.compare_digest(received_nonce.encode(), nonce.encode()):
        raise LoginRefused("nonce_mismatch")
    return claims


def verify_userinfo_jwt(token: str, expected: Expected, now: float | None = None) -> dict[str, Any]:
    """A signed userinfo answer's claims (Core 5.3.2): signed by the provider,
    from our issuer, for us. Checking ``sub`` against the ID token is the
    caller's job, as for a JSON answer."""
    _, claims = verified_jwt(token, expected, what="userinfo")
    if claims.get("iss") != expected.issuer:
        raise LoginRefused("userinfo_wrong_issuer")
    if expected.client_id not in _audiences(claims):
        raise LoginRefused("userinfo_wrong_audience")
    exp = claims.get("exp")
    current = time.time() if now is None else now
    if exp is not None and (not _is_time(exp) or exp + expected.leeway < current):
        raise LoginRefused("userinfo_expired")
    return claims
