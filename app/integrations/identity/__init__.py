"""The identity provider port: OpenID Connect login with the national ID.

One adapter serves every conformant provider: in production the national one
(MOSIP eSignet or similar), in development oidc-provider-mock, and in the
tests also a certified provider (panva's oidc-provider). All are real OIDC
providers reached over HTTP.

- ``login``: the flow (authorization request, code exchange, userinfo);
- ``tokens``: the checks on the ID token and on signed userinfo;
- ``userinfo``: reading the userinfo answer, JSON or signed JWT;
- ``client_assertion``: ``private_key_jwt`` with an RSA or EC P-256 key;
- ``reachability``: whether the provider answers before a browser goes there.

docs/identity-claims.md says which claims the portal reads, and from where.
"""

from __future__ import annotations

import os

from flask import Flask, current_app

from app.integrations.identity.errors import LoginRefused, ProviderUnavailable
from app.integrations.identity.login import OidcLogin, PendingLogin, VerifiedIdentity

__all__ = [
    "LoginRefused",
    "OidcLogin",
    "PendingLogin",
    "ProviderUnavailable",
    "VerifiedIdentity",
    "identity_provider",
    "init_identity",
]


def init_identity(app: Flask) -> None:
    if app.config["RSU_ENV"] != "production" and app.config["OIDC_ISSUER"].startswith("http://"):
        # The development provider speaks plain HTTP on loopback; Authlib
        # refuses that unless told. Production never gets this.
        os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    app.extensions["rsu_identity"] = OidcLogin(app)


def identity_provider() -> OidcLogin:
    provider: OidcLogin = current_app.extensions["rsu_identity"]
    return provider
