"""``flask integrity check``: the register's invariants, against what is stored."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from app.extensions import db


@click.group("integrity", help="The register's invariants.")
def integrity_group() -> None:
    pass


@integrity_group.command("check")
@with_appcontext
def check_command() -> None:
    """Check every invariant (app/services/integrity.py); exit 1 naming the first broken one.

    Household versions have their members and a score; scores point at their
    version and model; certificates match their SHA-256; stored documents
    and files match one for one; the audit trail's chain holds.
    """
    from app.integrations.document_store import document_store
    from app.services.integrity import check

    report = check(db.session, document_store(db.session))
    if report.broken is None:
        click.echo(f"Every invariant holds ({report.audit_rows} audit rows checked).")
        return
    click.echo(
        f"Broken: {report.broken.invariant}. First row that breaks it: {report.broken.row}.",
        err=True,
    )
    sys.exit(1)
