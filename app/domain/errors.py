"""Errors that services raise and routes turn into messages for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """What is wrong with one answer: a stable code and its parameters.

    The web layer turns it into a sentence in the reader's language
    (``app/web/messages.py``)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


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
    """The person is known, but this is not theirs to see or do (a child, a
    member who is not the declarant)."""

    code = "forbidden"


class Invalid(DomainError):
    """Answers broke their rules: one ``Problem`` per field, all at once.

    Services raise it; the web layer shows each problem on its field. The
    input boundary's refusal (``InputRefused``) is one too."""

    code = "invalid"

    def __init__(self, problems: dict[str, Problem]) -> None:
        super().__init__(problems=problems)
        self.problems = problems
