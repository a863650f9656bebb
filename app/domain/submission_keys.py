"""Submission keys: one per form the server gives out, so that sending it twice is harmless.

A key is a random nonce and a MAC over (account, kind of form, nonce) with
the portal's secret. The server recognises its own keys without storing
them, and a key is good only for the account it was given to and the kind of
form it came with: a key that is empty, made up, or taken from someone
else's form is never mistaken for an earlier submission.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

NONCE_BYTES = 18  # 24 characters
MAC_CHARACTERS = 32
KEY_LENGTH = 24 + 1 + MAC_CHARACTERS  # fits the 64 characters the tables keep


def _mac(secret: str, account_id: int, form_kind: str, nonce: str) -> str:
    message = f"{account_id}:{form_kind}:{nonce}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_CHARACTERS]


def issue(secret: str, account_id: int, form_kind: str) -> str:
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    return f"{nonce}.{_mac(secret, account_id, form_kind, nonce)}"


def is_issued(secret: str, key: str, account_id: int, form_kind: str) -> bool:
    """True if the server gave this key to this account with this kind of form."""
    nonce, dot, mac = key.partition(".")
    if not dot or len(key) != KEY_LENGTH:
        return False
    return hmac.compare_digest(mac, _mac(secret, account_id, form_kind, nonce))
