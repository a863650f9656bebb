"""``flask audit verify`` and ``flask audit anchor``: check the audit trail's
hash chain, and keep its head outside the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.extensions import db


@click.group("audit", help="The audit trail.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@click.option(
    "--anchors",
    "anchors_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of anchors written by `flask audit anchor`: each must still be in the chain.",
)
@with_appcontext
def verify_command(anchors_file: Path | None) -> None:
    """Check every row of the audit trail; name the first one altered or removed.

    With --anchors, also check that each anchored head is still there,
    unchanged: that catches a truncated trail, deleted last rows, and a
    chain rewritten by someone holding the key. Exits with 1 when anything
    does not hold.
    """
    from app.domain.audit_chain import Anchor
    from app.services.audit import verify

    anchors = []
    if anchors_file is not None:
        lines = anchors_file.read_text(encoding="utf-8").splitlines()
        anchors = [Anchor.from_line(line) for line in lines if line.strip()]
    report = verify(db.session, anchors)
    if report.intact:
        checked = f", {len(anchors)} anchor(s) found" if anchors_file is not None else ""
        click.echo(
            f"The audit trail is intact: {report.rows} rows{checked}. "
            f"Head: seq={report.head_seq} hash={report.head_hash}"
        )
        return
    where = f"row seq={report.broken_seq}" + (
        f" (id {report.broken_id})" if report.broken_id is not None else ""
    )
    click.echo(
        f"The audit trail is BROKEN at {where}: {report.problem}. "
        f"The rows up to seq={report.head_seq} are intact.",
        err=True,
    )
    sys.exit(1)


@audit_group.command("anchor")
@click.option(
    "--to",
    "anchors_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the anchor to this file (a write-once store). Without it, it is printed.",
)
@with_appcontext
def anchor_command(anchors_file: Path | None) -> None:
    """Record the chain's head (seq, hash, time) outside the database.

    One JSON line, appended to --to FILE, or printed to the job's output,
    which the log collector keeps. Run it after each daily `audit verify`;
    `audit verify --anchors FILE` then proves that nothing before it changed.
    """
    from app.services.audit import head

    line = head(db.session).to_line()
    if anchors_file is None:
        click.echo(line)
        return
    with anchors_file.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    click.echo(f"Anchor appended to {anchors_file}: {line}")
