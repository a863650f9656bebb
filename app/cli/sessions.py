"""``flask sessions purge``: remove expired server-side sessions and old rate-limit counters."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


@click.group("sessions", help="Server-side web sessions.")
def sessions_group() -> None:
    pass


@sessions_group.command(
    "purge",
    help="Delete sessions past their idle or absolute timeout, and old rate-limit counters.",
)
@with_appcontext
def purge() -> None:
    from app.db import transaction
    from app.services.rate_limits import purge_old_counters
    from app.web.sessions import purge_expired_sessions

    removed = purge_expired_sessions(db.session, current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"Removed {removed} expired session(s).")
    with transaction(db.session):
        counters = purge_old_counters(db.session)
    click.echo(f"Removed {counters} old rate-limit counter(s).")
