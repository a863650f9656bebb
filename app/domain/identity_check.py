"""Recording an identity check at a counter instead of a code (docs/domain.md,
"Assisted service at a counter").

When a citizen has no phone on file, or lost it, the agent checks the CNIE
in their hands: its number must be the one on file, the card must be valid
today, and its expiry must be one a genuine card can show. Why no code was
used is one of a few reasons, "other" with a note. A supervisor of the same
territory later reviews each such session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.errors import Problem

IDENTITY_CHECK_REASONS = ("no_phone", "phone_lost", "phone_changed", "other")
CNIE_VALIDITY_YEARS = 10


@dataclass(frozen=True)
class IdentityCheck:
    cnie: str
    expires_on: str  # as typed, YYYY-MM-DD
    reason: str
    note: str = ""


def card_date(typed: str) -> date | None:
    """A date as the three date fields send it (2030-12-31), or as the card
    prints it (31/12/2030)."""
    typed = typed.strip()
    try:
        if "/" in typed:
            day, month, year = (int(part) for part in typed.split("/"))
            return date(year, month, day)
        return date.fromisoformat(typed)
    except ValueError:
        return None


def latest_card_expiry(today: date) -> date:
    """The furthest expiry a genuine CNIE can show today: it is valid 10 years.

    A date beyond it (31/12/2099) was made up, not read off a card."""
    try:
        return today.replace(year=today.year + CNIE_VALIDITY_YEARS)
    except ValueError:  # 29 February, ten years on, is 28 February
        return today.replace(year=today.year + CNIE_VALIDITY_YEARS, day=28)


def check_identity(
    cnie_on_file: str | None, check: IdentityCheck, today: date
) -> dict[str, Problem]:
    """Problems with a recorded identity check, by field (empty: accepted)."""
    problems: dict[str, Problem] = {}
    if not cnie_on_file or check.cnie.strip().upper() != cnie_on_file:
        problems["cnie"] = Problem("cnie_mismatch")
    expires_on = card_date(check.expires_on)
    if expires_on is None:
        problems["expires_on"] = Problem("card_date_format")
    elif expires_on < today:
        problems["expires_on"] = Problem("cnie_expired")
    elif expires_on > latest_card_expiry(today):
        problems["expires_on"] = Problem("cnie_expiry_too_far", {"years": CNIE_VALIDITY_YEARS})
    if check.reason not in IDENTITY_CHECK_REASONS:
        problems["reason"] = Problem("choose")
    elif check.reason == "other" and not check.note.strip():
        problems["note"] = Problem("enter_reason")
    return problems
