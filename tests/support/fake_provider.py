"""A test-only OpenID provider whose token endpoint returns ID tokens the test forges.

oidc-provider-mock always issues correct tokens and does not enforce PKCE,
so the refusal cases (wrong issuer, expired token, ``alg: none``...) need a
signer the test controls. This one serves discovery and JWKS, checks PKCE and
the client authentication on its token endpoint, and answers with whatever
ID token the test prepared.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(claims: dict[str, Any]) -> str:
    """An ``alg: none`` token, which must always be refused."""
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}."


@dataclass
class FakeProvider:
    issuer: str
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "good"})
    )
    id_token: str | None = None
    code_challenge: str | None = None
    client_public_key: RSAKey | None = None  # set to require private_key_jwt
    token_requests: list[dict[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def sign(self, claims: dict[str, Any], key: RSAKey | None = None, alg: str = "RS256") -> str:
        signing_key = key or self.key
        header = {"alg": alg, "kid": signing_key.kid or "good"}
        return jwt.encode(header, claims, signing_key)

    def claims(self, nonce: str, audience: str = "rsu-portal", **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        base: dict[str, Any] = {
            "iss": self.issuer,
            "sub": "youssef",
            "aud": audience,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "idcs": "1000000201",
        }
        base.update(changes)
        return base

    def _check_token_request(self) -> None:
        form = request.form.to_dict()
        self.token_requests.append(form)
        verifier = form.get("code_verifier", "")
        expected = b64url(hashlib.sha256(verifier.encode()).digest())
        if self.code_challenge is not None and expected != self.code_challenge:
            self.failures.append("pkce")
        if self.client_public_key is not None:
            assertion = form.get("client_assertion", "")
            try:
                token = jwt.decode(assertion, self.client_public_key, algorithms=["RS256"])
            except Exception:
                self.failures.append("client_assertion_signature")
                return
            if token.claims.get("aud") != f"{self.issuer}/token":
                self.failures.append("client_assertion_audience")
            if (
                form.get("client_assertion_type")
                != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ):
                self.failures.append("client_assertion_type")

    def app(self) -> Flask:
        app = Flask("fake_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():  # type: ignore[no-untyped-def]
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                end_session_endpoint=f"{self.issuer}/logout",
                # A provider that announces "none" must not make us accept it.
                id_token_signing_alg_values_supported=["RS256", "none"],
                response_types_supported=["code"],
                subject_types_supported=["public"],
            )

        @app.get("/jwks")
        def jwks():  # type: ignore[no-untyped-def]
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.post("/token")
        def token():  # type: ignore[no-untyped-def]
            self._check_token_request()
            if self.failures:
                return jsonify(error="invalid_client"), 401
            return jsonify(
                access_token="access-token",
                token_type="Bearer",
                expires_in=300,
                id_token=self.id_token,
            )

        return app


@contextmanager
def running_fake_provider() -> Iterator[FakeProvider]:
    server = make_server("localhost", 0, Flask("placeholder"), threaded=True)
    provider = FakeProvider(issuer=f"http://localhost:{server.server_port}")
    server.app = provider.app()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
