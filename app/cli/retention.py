"""``flask retention purge``: delete data kept past its retention period (Law 09-08)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


@click.group("retention", help="Data retention (Law 09-08).")
def retention_group() -> None:
    pass


@retention_group.command("purge")
@with_appcontext
def purge() -> None:
    """Delete deregistered households older than RETENTION_DAYS, and expired drafts."""
    from app.integrations.document_store import document_store
    from app.services.retention import purge_retained_data

    days = current_app.config["RETENTION_DAYS"]
    purged = purge_retained_data(db.session, timedelta(days=days), document_store(db.session))
    click.echo(
        f"Deleted the data of {purged.households} household(s) deregistered more than "
        f"{days} days ago, and {purged.drafts} expired draft(s)."
    )
