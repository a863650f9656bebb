"""``flask drafts purge``: delete expired registration drafts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.extensions import db


@click.group("drafts", help="Registration drafts.")
def drafts_group() -> None:
    pass


@drafts_group.command("purge", help="Delete drafts past their expiry (DRAFT_RETENTION_DAYS).")
@with_appcontext
def purge() -> None:
    from app.services.registration import purge_expired_drafts

    click.echo(f"Deleted {purge_expired_drafts(db.session)} expired draft(s).")
