"""A test-only OpenID provider whose answers the test forges.

oidc-provider-mock and the certified provider always answer correctly, so
the refusal cases (wrong issuer, expired token, ``alg: none``, a userinfo
answer about someone else...) need a provider the test controls. This one
serves discovery, JWKS, a token endpoint (which checks PKCE and the client's
authentication) and a userinfo endpoint, and answers with whatever the test
prepared.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from joserfc import jws, jwt
from joserfc.jwk import ECKey, KeySet, RSAKey
from werkzeug.serving import make_server

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


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
    client_public_key: RSAKey | ECKey | None = None  # set to require private_key_jwt
    # Discovery says the authorization response carries iss (RFC 9207).
    iss_parameter_supported: bool = False
    # The token endpoint's answer: None for the usual one (with id_token).
    token_answer: tuple[int, dict[str, Any]] | None = None
    # The userinfo endpoint's answer: status, content type, body.
    userinfo_answer: tuple[int, str, str] = (404, "application/json", "{}")
    token_requests: list[dict[str, str]] = field(default_factory=list)
    assertion_headers: list[dict[str, Any]] = field(default_factory=list)
    userinfo_requests: list[str] = field(default_factory=list)
    jwks_requests: int = 0
    failures: list[str] = field(default_factory=list)
    # Stops the server: the provider is gone, as in an outage.
    stop: Callable[[], None] = lambda: None

    def sign(
        self,
        claims: dict[str, Any],
        key: RSAKey | None = None,
        alg: str = "RS256",
        header: dict[str, Any] | None = None,
    ) -> str:
        signing_key = key or self.key
        full_header = {"alg": alg, "kid": signing_key.kid or "good", **(header or {})}
        return jwt.encode(full_header, claims, signing_key)

    def claims(self, nonce: str, audience: Any = "rsu-portal", **changes: Any) -> dict[str, Any]:
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

    def userinfo_json(self, **claims: Any) -> None:
        self.userinfo_answer = (200, "application/json", json.dumps(claims))

    def userinfo_jwt(self, claims: dict[str, Any], key: RSAKey | None = None) -> None:
        self.userinfo_answer = (200, "application/jwt", self.sign(claims, key=key))

    def _check_client_assertion(self, form: dict[str, str]) -> None:
        assert self.client_public_key is not None
        assertion = form.get("client_assertion", "")
        try:
            header = dict(jws.extract_compact(assertion.encode()).protected)
            self.assertion_headers.append(header)
            token = jwt.decode(
                assertion, self.client_public_key, algorithms=["RS256", "PS256", "ES256"]
            )
        except Exception:
            self.failures.append("client_assertion_signature")
            return
        claims = token.claims
        if claims.get("aud") != f"{self.issuer}/token":
            self.failures.append("client_assertion_audience")
        if not (claims.get("iss") == claims.get("sub") == "rsu-portal"):
            self.failures.append("client_assertion_subject")
        if not claims.get("jti") or not 0 < claims.get("exp", 0) - time.time() <= 300:
            self.failures.append("client_assertion_lifetime")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            self.failures.append("client_assertion_type")

    def _check_token_request(self) -> None:
        form = request.form.to_dict()
        self.token_requests.append(form)
        verifier = form.get("code_verifier", "")
        expected = b64url(hashlib.sha256(verifier.encode()).digest())
        if self.code_challenge is not None and expected != self.code_challenge:
            self.failures.append("pkce")
        if self.client_public_key is not None:
            self._check_client_assertion(form)

    def app(self) -> Flask:
        app = Flask("fake_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():  # type: ignore[no-untyped-def]
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                userinfo_endpoint=f"{self.issuer}/userinfo",
                jwks_uri=f"{self.issuer}/jwks",
                end_session_endpoint=f"{self.issuer}/logout",
                # A provider that announces "none" must not make us accept it.
                id_token_signing_alg_values_supported=["RS256", "none"],
                response_types_supported=["code"],
                subject_types_supported=["public"],
                authorization_response_iss_parameter_supported=self.iss_parameter_supported,
            )

        @app.get("/authorize")
        def authorize():  # type: ignore[no-untyped-def]
            return "an authorization page", 400  # the portal only checks that it answers

        @app.get("/jwks")
        def jwks():  # type: ignore[no-untyped-def]
            self.jwks_requests += 1
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.post("/token")
        def token():  # type: ignore[no-untyped-def]
            self._check_token_request()
            if self.failures:
                return jsonify(error="invalid_client"), 401
            if self.token_answer is not None:
                status, body = self.token_answer
                return jsonify(body), status
            return jsonify(
                access_token="access-token",
                token_type="Bearer",
                expires_in=300,
                id_token=self.id_token,
            )

        @app.get("/userinfo")
        def userinfo():  # type: ignore[no-untyped-def]
            self.userinfo_requests.append(request.headers.get("Authorization", ""))
            status, content_type, body = self.userinfo_answer
            return Response(body, status=status, content_type=content_type)

        return app


@contextmanager
def running_fake_provider() -> Iterator[FakeProvider]:
    server = make_server("localhost", 0, Flask("placeholder"), threaded=True)
    provider = FakeProvider(issuer=f"http://localhost:{server.server_port}")
    server.app = provider.app()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if not stopped:
            stopped = True
            server.shutdown()
            server.server_close()
            thread.join(5)

    provider.stop = stop
    try:
        yield provider
    finally:
        stop()
