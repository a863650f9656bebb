"""What notifications say, in the recipient's language.

Messages are queued as a kind and a few values (the outbox); the text is
written here at delivery, in the language the recipient chose on the portal.
SMS texts stay short: one message of 160 characters where possible, and
never a national ID number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app.domain.offices import office_name
from app.i18n import FORMAT_LOCALES, format_day, format_moment
from app.services.counter import CODE_LIFETIME
from app.web import labels

CODE_MINUTES = int(CODE_LIFETIME.total_seconds() // 60)


def compose(kind: str, payload: dict[str, Any], language: str) -> tuple[str, str]:
    """(subject, body) of one message."""
    with force_locale(FORMAT_LOCALES.get(language, "ar_MA")):
        if kind == "review_filed":
            return (
                _("RSU: review request %(number)s received", number=payload["number"]),
                _(
                    "RSU: your review request %(number)s is received. The ANR will answer by "
                    "%(due)s. Follow it in your space on the RSU portal.",
                    number=payload["number"],
                    due=format_day(date.fromisoformat(payload["due_on"])),
                ),
            )
        if kind == "review_decided":
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
        if kind == "eligibility_changed":
            return (
                _("RSU: your eligibility has changed"),
                _(
                    "RSU: your household's score was computed again with a new method, and "
                    "the programmes it can receive have changed. See your space on the RSU portal."
                ),
            )
        if kind == "consent_code":
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
        if kind == "session_opened_by_card":
            return "", _(
                "RSU: on %(moment)s an agent at %(office)s opened your file on seeing your ID "
                "card, without a code. If it was not you, say so at any RSU counter.",
                moment=format_moment(datetime.fromisoformat(payload["at"])),
                office=office_name(payload["office"], language),
            )
        raise ValueError(f"no text for notifications of kind {kind!r}")
