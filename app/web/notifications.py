"""What notifications say, in the recipient's language.

Messages are queued as a kind and a few values (the outbox); the text is
written here at delivery, in the language the recipient chose on the portal.
SMS texts stay short: one message of 160 characters where possible, and
never a national ID number.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app.domain.offices import office_name
from app.i18n import FORMAT_LOCALES, format_day, format_moment
from app.services.counter import CODE_LIFETIME_MINUTES as CODE_MINUTES
from app.web import labels

# The texts of each kind of message: (payload, language) -> (subject, body).
# SMS have no subject.
Texts = Callable[[dict[str, Any], str], tuple[str, str]]


def _review_filed(payload: dict[str, Any], _language: str) -> tuple[str, str]:
    return (
        _("RSU: review request %(number)s received", number=payload["number"]),
        _(
            "RSU: your review request %(number)s is received. The ANR will answer by "
            "%(due)s. Follow it in your space on the RSU portal.",
            number=payload["number"],
            due=format_day(date.fromisoformat(payload["due_on"])),
        ),
    )


def _review_decided(payload: dict[str, Any], _language: str) -> tuple[str, str]:
    decision = labels.label(labels.REVIEW_DECISIONS, payload["decision"])
    return (
        _("RSU: decision on your review request %(number)s", number=payload["number"]),
        _(
            "RSU: your review request %(number)s is decided: %(decision)s. Read the "
            "reason in your space on the RSU portal.",
            number=payload["number"],
            decision=decision,
        ),
    )


def _eligibility_changed(_payload: dict[str, Any], _language: str) -> tuple[str, str]:
    return (
        _("RSU: your eligibility has changed"),
        _(
            "RSU: your household's score was computed again with a new method, and "
            "the programmes it can receive have changed. See your space on the RSU portal."
        ),
    )


def _consent_code(payload: dict[str, Any], _language: str) -> tuple[str, str]:
    if payload["purpose"] == "deregistration":
        return "", _(
            "RSU: your code is %(code)s, to deregister your household at the counter. "
            "Give it to the agent only if you asked for this. Valid %(minutes)s minutes.",
            code=payload["code"],
            minutes=CODE_MINUTES,
        )
    return "", _(
        "RSU: your code is %(code)s, to let the agent at the counter act for your "
        "household for a short time. Give it only to the agent in front of you. Valid %(minutes)s minutes.",
        code=payload["code"],
        minutes=CODE_MINUTES,
    )


def _session_opened_by_card(payload: dict[str, Any], language: str) -> tuple[str, str]:
    return "", _(
        "RSU: on %(moment)s an agent at %(office)s opened your file on seeing your ID "
        "card, without a code. If it was not you, say so at any RSU counter.",
        moment=format_moment(datetime.fromisoformat(payload["at"])),
        office=office_name(payload["office"], language),
    )


TEXTS: dict[str, Texts] = {
    "review_filed": _review_filed,
    "review_decided": _review_decided,
    "eligibility_changed": _eligibility_changed,
    "consent_code": _consent_code,
    "session_opened_by_card": _session_opened_by_card,
}


def compose(kind: str, payload: dict[str, Any], language: str) -> tuple[str, str]:
    """(subject, body) of one message, in the recipient's language."""
    texts = TEXTS.get(kind)
    if texts is None:
        raise ValueError(f"no text for notifications of kind {kind!r}")
    with force_locale(FORMAT_LOCALES.get(language, "ar_MA")):
        return texts(payload, language)
