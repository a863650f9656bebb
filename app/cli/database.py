"""``flask db``: Alembic migrations against the configured database."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from app.config import PROJECT_ROOT


def alembic_config(url: str, *, configure_logger: bool = True) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = configure_logger
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # Alembic's ini interpolation treats % specially.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@click.group("db", help="Database migrations (Alembic).")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Upgrade the database to a revision (default: head).")
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_group.command("downgrade", help="Downgrade the database to a revision (e.g. -1 or base).")
@click.argument("revision")
@with_appcontext
def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_group.command("current", help="Show the database's current revision.")
@with_appcontext
def current() -> None:
    command.current(alembic_config(current_app.config["DATABASE_URL"]))


@db_group.command("revision", help="Create a migration from the difference with the models.")
@click.option("-m", "--message", required=True)
@with_appcontext
def revision(message: str) -> None:
    command.revision(
        alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )
