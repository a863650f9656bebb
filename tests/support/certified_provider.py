"""Starts the certified OpenID provider (tests/support/certified_provider.mjs)
for the login tests, and signs in through it as a browser would.

The provider is panva's oidc-provider, installed by ``make setup`` from
package.json. This module makes its keys, registers the portal as several
clients (one per way of authenticating), gives it the demo people, starts it
on an ephemeral port and stops it at the end.
"""

from __future__ import annotations

import json
import secrets
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from joserfc.jwk import ECKey, RSAKey
from werkzeug.test import TestResponse

from app.demo_people import LOGINS, id_token_claims
from tests.support.login import start_login

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "support" / "certified_provider.mjs"
NODE_MODULE = ROOT / "node_modules" / "oidc-provider"
# How long the provider may take to start on a loaded machine. Only a broken
# installation ever comes near it.
START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class RegisteredClient:
    """The portal registered as one client: its metadata at the provider, and
    the portal settings that make the portal log in as that client."""

    metadata: dict[str, Any]
    settings: dict[str, Any]


@dataclass
class CertifiedProvider:
    issuer: str
    redirect_base: str
    clients: dict[str, RegisteredClient] = field(default_factory=dict)

    def settings_for(self, client: str) -> dict[str, Any]:
        """make_test_app overrides that log the portal in as ``client``."""
        return {"OIDC_ISSUER": self.issuer, **self.clients[client].settings}


def _pem_file(directory: Path, name: str, key: RSAKey | ECKey) -> str:
    path = directory / name
    path.write_bytes(key.as_pem(private=True))
    path.chmod(0o600)
    return str(path)


def _public_jwk(key: RSAKey | ECKey) -> dict[str, Any]:
    # The portal names its key by its RFC 7638 thumbprint; the provider picks
    # the key by that kid, so a wrong kid fails the token request.
    return dict(key.as_dict(private=False, kid=key.thumbprint()))


def _clients(directory: Path, redirect_base: str) -> dict[str, RegisteredClient]:
    rsa_key = RSAKey.generate_key(2048)
    ec_key = ECKey.generate_key("P-256")
    rsa_file = _pem_file(directory, "client-rsa.pem", rsa_key)
    ec_file = _pem_file(directory, "client-ec.pem", ec_key)
    urls = {
        "redirect_uris": [f"{redirect_base}/auth/callback"],
        "post_logout_redirect_uris": [f"{redirect_base}/"],
    }
    portal = {"OIDC_SCOPES": "openid profile phone", "OIDC_CLAIMS_PARAMETER": True}

    def with_secret(client_id: str, **metadata: Any) -> RegisteredClient:
        secret = secrets.token_urlsafe(32)
        return RegisteredClient(
            {"client_id": client_id, "client_secret": secret, **urls, **metadata},
            {**portal, "OIDC_CLIENT_ID": client_id, "OIDC_CLIENT_SECRET": secret},
        )

    def with_key(
        client_id: str, key: RSAKey | ECKey, key_file: str, alg: str | None, **metadata: Any
    ) -> RegisteredClient:
        settings = {
            **portal,
            "OIDC_CLIENT_ID": client_id,
            "OIDC_CLIENT_AUTH_METHOD": "private_key_jwt",
            "OIDC_PRIVATE_KEY_FILE": key_file,
        }
        if alg:
            settings["OIDC_CLIENT_ASSERTION_ALG"] = alg
        return RegisteredClient(
            {
                "client_id": client_id,
                "token_endpoint_auth_method": "private_key_jwt",
                "jwks": {"keys": [_public_jwk(key)]},
                **urls,
                **metadata,
            },
            settings,
        )

    return {
        # The provider's defaults: client_secret_basic, ID token in RS256.
        "secret": with_secret("portal-secret", userinfo_signed_response_alg="RS256"),
        "secret-json-userinfo": with_secret("portal-json"),
        # The provider accepts only the algorithm it was told for each client,
        # so a login proves which one the portal used.
        "rsa": with_key(
            "portal-rsa",
            rsa_key,
            rsa_file,
            None,
            token_endpoint_auth_signing_alg="RS256",
            userinfo_signed_response_alg="PS256",
        ),
        "rsa-pss": with_key(
            "portal-rsa-pss",
            rsa_key,
            rsa_file,
            "PS256",
            token_endpoint_auth_signing_alg="PS256",
            id_token_signed_response_alg="PS256",
            userinfo_signed_response_alg="RS256",
        ),
        # eSignet's way: private_key_jwt with an EC P-256 key, signed userinfo.
        "ec": with_key(
            "portal-ec",
            ec_key,
            ec_file,
            None,
            token_endpoint_auth_signing_alg="ES256",
            id_token_signed_response_alg="ES256",
            userinfo_signed_response_alg="ES256",
        ),
    }


def _read_ready_line(process: subprocess.Popen[str], log: Path) -> dict[str, Any]:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_SECONDS)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        raise RuntimeError(
            "the certified OpenID provider did not start:\n" + log.read_text(errors="replace")
        )
    return dict(json.loads(line))


@contextmanager
def running_certified_provider(redirect_base: str) -> Iterator[CertifiedProvider]:
    """The provider, with the portal registered for redirects to ``redirect_base``."""
    if not NODE_MODULE.is_dir():
        raise RuntimeError("oidc-provider is not installed: run `make setup` (npm ci)")
    directory = Path(tempfile.mkdtemp(prefix="rsu-certified-op-"))
    clients = _clients(directory, redirect_base)
    provider_keys = [
        RSAKey.generate_key(2048, auto_kid=True),  # first: the default (RS256) signer
        ECKey.generate_key("P-256", auto_kid=True),
    ]
    settings = {
        "jwks": {"keys": [key.as_dict(private=True) for key in provider_keys]},
        "clients": [client.metadata for client in clients.values()],
        "accounts": {login.subject: id_token_claims(login) for login in LOGINS},
        "cookie_keys": [secrets.token_urlsafe(32)],
    }
    settings_file = directory / "settings.json"
    settings_file.write_text(json.dumps(settings))
    log = directory / "provider.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            ["node", str(SCRIPT), str(settings_file)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )
    try:
        ready = _read_ready_line(process, log)
        yield CertifiedProvider(ready["issuer"], redirect_base, clients)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


def walk_to_callback(client: FlaskClient, provider: CertifiedProvider, subject: str) -> str:
    """Our /login, then the provider's pages as a browser walks them (redirects,
    its sign-in form, consent). Returns the path and query of our callback."""
    browser = requests.Session()
    response = browser.get(start_login(client), allow_redirects=False, timeout=10)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(f"{provider.redirect_base}/auth/callback"):
                back = urlsplit(location)
                return f"{back.path}?{back.query}"
            response = browser.get(location, allow_redirects=False, timeout=10)
            continue
        form = BeautifulSoup(response.text, "html.parser").find("form")
        assert response.status_code == 200 and form is not None, response.text[:500]
        action = urljoin(response.url, str(form["action"]))
        response = browser.post(action, data={"sub": subject}, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back to the portal")


def login_through(client: FlaskClient, provider: CertifiedProvider, subject: str) -> TestResponse:
    """Sign in as ``subject`` through the certified provider. Returns our callback's response."""
    return client.get(walk_to_callback(client, provider, subject))
