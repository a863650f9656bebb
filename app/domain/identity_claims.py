"""Which claims the portal needs from the national identity provider, and why.

The portal reads as little as it can. docs/identity-claims.md explains each
claim and where the providers we know put it; this module is the rule.

- ``sub``: with the issuer, the key of the account. Always in the ID token.
- The IDCS (``idcs``): links a citizen to the population register (RNP),
  which then supplies names, birth date and household. Enough on its own.
- The CNIE number (``cnie``): links a citizen the RNP knows only by their
  card, or someone the RNP does not know yet; then the portal also needs:
  ``given_name``, ``family_name`` (and their Arabic forms ``given_name#ar``,
  ``family_name#ar``), ``birthdate``, ``gender`` and ``phone_number``, to
  greet and guide them (the RNP is not there to supply them).
- Staff: ``roles`` (which desks they may use), ``office`` (where they work)
  and ``name`` (shown beside their acts).

Claim names differ between providers: the deployment maps them
(``OIDC_*_CLAIM`` settings) into ``ClaimNames``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# OpenID Connect Core 5.1 names, the same at every provider.
PERSON_CLAIMS = (
    "name",
    "given_name",
    "family_name",
    "given_name#ar",
    "family_name#ar",
    "birthdate",
    "gender",
    "phone_number",
)

# Claims about the token itself, never about the person: a userinfo answer
# may not overwrite them (Core 5.3.2 lets it carry iss and aud when signed).
TOKEN_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "nbf", "jti", "nonce", "azp", "at_hash", "c_hash", "auth_time"}
)


@dataclass(frozen=True)
class ClaimNames:
    """Which claims carry what. Providers name them differently."""

    idcs: str = "idcs"
    cnie: str = "cnie"
    roles: str = "roles"
    office: str = "office"


def claims_request(names: ClaimNames) -> dict[str, dict[str, bool] | None]:
    """What to ask for in the ``claims`` request parameter (Core 5.5).

    The two national numbers are essential: without one of them a citizen
    cannot be told apart from another (the parameter cannot say "one of").
    The rest is voluntary: staff have no IDCS, citizens no roles.
    """
    wanted: dict[str, dict[str, bool] | None] = {
        names.idcs: {"essential": True},
        names.cnie: {"essential": True},
        names.roles: None,
        names.office: None,
    }
    wanted.update(dict.fromkeys(PERSON_CLAIMS))
    return wanted


def knows_who(claims: dict[str, Any], names: ClaimNames) -> bool:
    """Whether these claims are enough to sign someone in without userinfo.

    Staff need their roles; a citizen their IDCS, or their CNIE with the
    birth date and names that the portal keeps when the RNP lacks them.
    """
    if claims.get(names.roles) or claims.get(names.idcs):
        return True
    return bool(
        claims.get(names.cnie)
        and claims.get("birthdate")
        and claims.get("given_name")
        and claims.get("family_name")
    )


def merged_with_userinfo(id_token: dict[str, Any], userinfo: dict[str, Any]) -> dict[str, Any]:
    """The person's claims from both places. Userinfo may add or refresh
    claims about the person, never change what the ID token says about the
    login itself (issuer, audience, times, nonce)."""
    merged = dict(id_token)
    merged.update({k: v for k, v in userinfo.items() if k not in TOKEN_CLAIMS and k != "sub"})
    return merged
