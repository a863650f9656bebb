"""Bulk writes for national-scale batches (seeding, rescoring).

On PostgreSQL rows go through ``COPY ... FROM STDIN``, which is an order of
magnitude faster than INSERTs; SQLite gets batched ``executemany``. Ids are
reserved in blocks from the tables' sequences so that rows of several tables
can reference each other before they are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import func, insert, select, table, text
from sqlalchemy.orm import Session

from app import models  # noqa: F401  (registers the tables copy_rows may fill)
from app.db import Base, is_postgresql


def reserve_ids(db: Session, table_name: str, count: int) -> int:
    """Reserve ``count`` consecutive ids in ``table_name``; returns the first one."""
    if count <= 0:
        raise ValueError("count must be positive")
    if is_postgresql(db):
        sequence = db.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table_name}
        ).scalar_one()
        # Lock out concurrent reservations while we move the sequence by a block.
        db.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": sequence})
        first = int(db.execute(text("SELECT nextval(:s)"), {"s": sequence}).scalar_one())
        db.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": first + count - 1})
        return first
    current = db.scalar(
        select(func.coalesce(func.max(text("id")), 0)).select_from(table(table_name))
    )
    return int(current or 0) + 1


def copy_rows(
    db: Session,
    table_name: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    json_columns: Sequence[str] = (),
) -> int:
    """Write rows into a table in bulk. Values are plain Python; JSON columns take dicts.

    PostgreSQL gets COPY (JSON encoded here, once); SQLite gets batched
    INSERTs through the table's column types, so both databases store the
    same representations as the ORM would.
    """
    count = 0
    if is_postgresql(db):
        encode = [i for i, c in enumerate(columns) if c in json_columns]
        raw = db.connection().connection.driver_connection
        assert raw is not None
        statement = f"COPY {table_name} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                if encode:
                    row = list(row)
                    for i in encode:
                        row[i] = orjson.dumps(row[i], default=str).decode()
                copy.write_row(row)
                count += 1
        return count
    table = Base.metadata.tables[table_name]
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        count += 1
        if len(batch) >= 5000:
            db.execute(insert(table), batch)
            batch = []
    if batch:
        db.execute(insert(table), batch)
    return count
