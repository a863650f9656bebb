"""Migration 0012 (request ids): the audit chain holds across it, up and down.

Rows written before it have no request id and keep their hashes; undoing it
drops the column and chains the rows that had one again, without it.
"""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app import request_ids
from app.cli.database import alembic_config
from app.config import DEVELOPMENT_AUDIT_CHAIN_KEY
from app.domain.audit_chain import GENESIS, row_hash
from app.services import audit
from app.services.actors import Actor
from tests.integration.test_migrations import scratch_database  # noqa: F401  (a fixture)

KEY = DEVELOPMENT_AUDIT_CHAIN_KEY.encode()  # what the migrations read when RSU_ENV is unset
COLUMNS = ("seq", "occurred_at", "actor_kind", "actor_account_id", "on_behalf_of_person_id",
           "channel", "action", "subject_type", "subject_id", "details")  # fmt: skip


def chain_holds_without_request_ids(url: str) -> bool:
    """The chain as it was before 0012, checked from the table alone."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                f"SELECT {', '.join(COLUMNS)}, previous_hash, row_hash FROM audit_events ORDER BY seq"
            )
        ).mappings()
        previous = GENESIS
        for row in rows:
            fields: dict[str, Any] = {name: row[name] for name in COLUMNS}
            if row["previous_hash"] != previous:
                return False
            if row_hash(KEY, **fields, previous_hash=previous) != row["row_hash"]:
                return False
            previous = row["row_hash"]
    engine.dispose()
    return True


def write_rows(url: str, ids: list[str | None]) -> None:
    engine = create_engine(url)
    with Session(engine, info={"audit_chain_key": KEY}) as db:
        for request_id in ids:
            with request_ids.bound(request_id):
                audit.record(db, Actor.system(), "migration_test")
        db.commit()
    engine.dispose()


def verified(url: str) -> bool:
    engine = create_engine(url)
    with Session(engine, info={"audit_chain_key": KEY}) as db:
        intact = audit.verify(db).intact
    engine.dispose()
    return intact


def test_the_chain_holds_up_and_down(scratch_database: str) -> None:  # noqa: F811
    config = alembic_config(scratch_database, configure_logger=False)
    command.upgrade(config, "head")
    write_rows(scratch_database, [None, "req-1", None, "req-2"])
    assert verified(scratch_database)
    assert not chain_holds_without_request_ids(scratch_database)  # the ids are in the hashes

    command.downgrade(config, "0011_oidc")
    assert chain_holds_without_request_ids(scratch_database)

    command.upgrade(config, "head")  # rows of before 0012: no id, the same hashes
    assert verified(scratch_database)
    write_rows(scratch_database, ["req-3"])
    assert verified(scratch_database)
