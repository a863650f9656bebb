"""``flask outbox deliver``: send the queued SMS and emails.

Run it from a timer (every minute) or with ``--every``; several may run at
once, on one machine or many: each message is claimed by one of them.
"""

from __future__ import annotations

import logging
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db

log = logging.getLogger(__name__)


@click.group("outbox", help="Notifications waiting to be sent.")
def outbox_group() -> None:
    pass


@outbox_group.command("deliver")
@click.option("--limit", type=int, default=None, help="Stop after this many messages.")
@click.option(
    "--every",
    type=float,
    default=None,
    help="Keep running, looking for new messages every N seconds.",
)
@with_appcontext
def deliver_command(limit: int | None, every: float | None) -> None:
    """Send every message that is due, through SMS_BACKEND and EMAIL_BACKEND."""
    from app.integrations.messaging import senders_from_config
    from app.services.outbox import deliver
    from app.web.notifications import compose

    senders = senders_from_config(current_app.config)
    while True:
        try:
            report = deliver(db.session, senders, compose, limit=limit)
        except Exception as error:
            # The database away, most likely. A loop keeps going: it will be back.
            log.exception("outbox delivery stopped")
            click.echo(f"Delivery stopped: {type(error).__name__}. Nothing was lost.", err=True)
            if every is None:
                sys.exit(1)
        else:
            click.echo(
                f"Sent {report.sent}, to retry later {report.retrying}, given up {report.failed}."
            )
            if every is None:
                return
        time.sleep(every)
