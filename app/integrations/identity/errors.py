"""How a login fails: refused (the answer cannot be trusted) or not possible
right now (the provider does not answer)."""

from __future__ import annotations


class LoginRefused(Exception):
    """The login cannot be accepted. ``reason`` is a stable code for logs and tests;
    the person sees one page whatever the reason, with nothing written."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderUnavailable(Exception):
    """The provider does not answer, or answers as another issuer: sign-in is
    not possible right now, and the browser is not sent there."""
