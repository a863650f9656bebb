"""Migrations go up from empty, down to nothing, up again, and match the models."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from psycopg import sql
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import app.models  # noqa: F401
from app.cli.database import alembic_config
from app.db import Base


@pytest.fixture
def scratch_database(database_url: str) -> Iterator[str]:
    """A database of its own, so these tests never disturb the shared one."""
    url = make_url(database_url)
    name = f"{url.database}_migrations"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def model_differences(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    return list(differences)


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names - {"alembic_version"}


def test_upgrade_downgrade_upgrade_on_postgresql(scratch_database: str) -> None:
    config = alembic_config(scratch_database, configure_logger=False)
    command.upgrade(config, "head")
    assert tables(scratch_database) == set(Base.metadata.tables)
    assert model_differences(scratch_database) == []

    command.downgrade(config, "base")
    assert tables(scratch_database) == set()

    command.upgrade(config, "head")
    assert model_differences(scratch_database) == []


def test_migrations_run_on_sqlite(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/portal.sqlite3"
    config = alembic_config(url, configure_logger=False)
    command.upgrade(config, "head")
    assert tables(url) == set(Base.metadata.tables)
    assert model_differences(url) == []
    command.downgrade(config, "base")
    assert tables(url) == set()


def test_the_active_membership_rule_is_in_the_database(database_url: str, migrated: None) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        definition = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_memberships_active_person'")
        ).scalar_one()
    engine.dispose()
    assert "UNIQUE" in definition and "ended_at IS NULL" in definition


def test_rows_written_before_the_chain_are_chained_by_the_migration(scratch_database: str) -> None:
    from sqlalchemy.orm import Session

    from app.config import DEVELOPMENT_AUDIT_CHAIN_KEY
    from app.services.audit import ChainReport, verify

    config = alembic_config(scratch_database, configure_logger=False)
    command.upgrade(config, "0006_certificates")
    engine = create_engine(scratch_database)
    with engine.begin() as connection:
        for n in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, actor_kind, channel, action, details) "
                    "VALUES (now() - make_interval(mins => :n), 'system', 'cli', :action, :details)"
                ),
                {"n": 3 - n, "action": f"before_{n}", "details": json.dumps({"n": n})},
            )
    command.upgrade(config, "0008_counter_supervision")  # chained, not yet keyed
    command.upgrade(config, "head")  # chained again, with the key

    def verified(key: str) -> ChainReport:
        with Session(engine, info={"audit_chain_key": key.encode()}) as session:
            return verify(session)

    assert verified(DEVELOPMENT_AUDIT_CHAIN_KEY).intact
    assert verified(DEVELOPMENT_AUDIT_CHAIN_KEY).rows == 3
    assert verified("another key").problem == "its content was changed"
    command.downgrade(config, "0008_counter_supervision")
    command.upgrade(config, "head")
    assert verified(DEVELOPMENT_AUDIT_CHAIN_KEY).intact
    engine.dispose()
