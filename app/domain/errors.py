"""Errors that services raise and routes turn into messages for people."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request. ``code`` is stable; the web layer maps it to text."""

    code = "domain_error"

    def __init__(self, code: str | None = None, **details: object) -> None:
        self.code = code or self.code
        self.details = details
        super().__init__(self.code)


class NotFound(DomainError):
    """The thing does not exist, or does not exist *for this person*.

    Services raise the same error in both cases so that nobody learns whether
    another household's data exists.
    """

    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"
