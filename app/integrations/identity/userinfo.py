"""Reading the userinfo answer (OpenID Connect Core 5.3.2).

A provider in its conformant default mode releases the ``profile`` and
``phone`` claims here only, not in the ID token (Core 5.4). The answer is
JSON, or a JWT signed by the provider when the client registered
``userinfo_signed_response_alg`` (eSignet always signs it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from app.integrations.identity.errors import LoginRefused

# We take both forms, and say we prefer the signed one.
ACCEPT = "application/jwt, application/json;q=0.9"


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def userinfo_claims(
    status: int,
    content_type: str,
    body: bytes,
    *,
    verify_jwt: Callable[[str], dict[str, Any]],
) -> dict[str, Any]:
    """The claims of a userinfo answer. ``verify_jwt`` checks a signed one."""
    if status != 200:
        raise LoginRefused("userinfo_failed")
    media_type = _media_type(content_type)
    if media_type == "application/jwt":
        token = body.decode("ascii", errors="replace").strip()
        if token.count(".") == 4:
            # An encrypted answer (JWE): we register no decryption key, so a
            # provider sending one is configured for someone else.
            raise LoginRefused("userinfo_encrypted")
        return verify_jwt(token)
    if media_type == "application/json":
        try:
            claims = json.loads(body)
        except ValueError as error:
            raise LoginRefused("userinfo_malformed") from error
        if not isinstance(claims, dict):
            raise LoginRefused("userinfo_malformed")
        return claims
    raise LoginRefused("userinfo_unexpected_type")


def check_same_subject(userinfo: dict[str, Any], id_token_subject: str) -> None:
    """Core 5.3.2: the userinfo ``sub`` MUST equal the ID token's, or the
    answer is about someone else (a token substitution) and is refused."""
    if userinfo.get("sub") != id_token_subject:
        raise LoginRefused("userinfo_subject_mismatch")
