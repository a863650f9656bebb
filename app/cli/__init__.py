"""Flask CLI commands: the scriptable entry points (``flask --app wsgi <group> <command>``)."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from app.cli.audit import audit_group
    from app.cli.database import db_group
    from app.cli.demo import demo_group
    from app.cli.drafts import drafts_group
    from app.cli.integrity import integrity_group
    from app.cli.outbox import outbox_group
    from app.cli.retention import retention_group
    from app.cli.scoring import scoring_group
    from app.cli.sessions import sessions_group

    groups = (
        audit_group,
        db_group,
        demo_group,
        drafts_group,
        integrity_group,
        outbox_group,
        retention_group,
        scoring_group,
        sessions_group,
    )
    for group in groups:
        app.cli.add_command(group)
