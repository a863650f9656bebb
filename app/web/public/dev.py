"""Development only: the latest outbox messages, to read one-time codes and
notifications without a phone. The route does not exist outside
development (Rule.DEVELOPMENT_ONLY answers 404), and a test proves it."""

from __future__ import annotations

from flask import render_template

from app.extensions import db
from app.services.outbox import language_of, recent_messages
from app.web.access import Rule, access
from app.web.notifications import compose
from app.web.public import bp


@bp.get("/dev/outbox")
@access(Rule.DEVELOPMENT_ONLY)
def dev_outbox() -> str:
    messages = []
    for message in recent_messages(db.session):
        try:
            _subject, body = compose(
                message.kind, message.payload, language_of(db.session, message.recipient_person_id)
            )
        except (KeyError, ValueError, TypeError):
            body = "—"
        messages.append((message, body))
    return render_template("public/dev_outbox.html", messages=messages)
