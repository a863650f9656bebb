"""The database: declarative base, engine, and the request-scoped session.

Services receive a ``Session`` and run one use case in one transaction with
``transaction(session)``. Views never build queries.
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from flask import Flask, current_app, g
from sqlalchemy import (
    JSON,
    BindParameter,
    Executable,
    MetaData,
    Table,
    bindparam,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, Engine, Result
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Stable constraint names, so that migrations generated on one database apply
# on the other and downgrades can drop what upgrades created.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON everywhere, stored as JSONB on PostgreSQL.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, for Core statements that skip the unit of work."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def parameters(table: Table, columns: list[str], prefix: str) -> dict[str, BindParameter[Any]]:
    """A parameter for each of these columns, typed as the column and named
    ``prefix`` + its name, for a statement built once and sent with its values
    (docs/architecture.md, "The busiest statements are built once"). The
    prefix keeps the names of two tables' columns in one statement apart.
    """
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in columns}


def prefixed(values: dict[str, Any], prefix: str) -> dict[str, Any]:
    """These values under the names ``parameters`` gave their columns."""
    return {prefix + name: value for name, value in values.items()}


def send(db: Session, statement: Executable, values: dict[str, Any] | None = None) -> Result[Any]:
    """Send a Core statement (a table's, no mapped class in it) on the
    session's connection, in the session's transaction, as ``db.execute``
    would, without its search for ORM work such a statement does not have.

    For the statements every act sends (the audit record) and the busiest
    write (the registration's): about 85 µs of Python a statement, measured
    in-process; with the other costs of a submit cut (issue 15), a twentieth
    of its worker time for three statements.
    """
    return db.connection().execute(statement, values)


def is_postgresql(db: Session) -> bool:
    """Whether the session's database is PostgreSQL (production and tests)
    rather than the SQLite file of ``make run``: a few statements are
    written for PostgreSQL, each with an SQLite path."""
    return db.get_bind().dialect.name == "postgresql"


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    # orjson parses and writes JSON several times faster than the standard
    # library: rescoring the country reads a million declarations.
    kwargs.setdefault("json_serializer", _json_dumps)
    # A failed statement's error quotes its parameters (IDCS, CNIE, phone
    # numbers, answers) unless told not to; errors reach the logs.
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if str(url).startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    engine = create_engine(url, **kwargs)
    _ping_after_idling(engine)
    _reads_only_outside_transactions(engine)
    return engine


# The execution option that marks a connection reading outside a transaction
# (``read_without_transaction``). Custom options travel with the connection.
READING = "rsu_reading_outside_transaction"
# Row locks, and the transaction-level advisory locks (the audit chain's
# head takes one, migration 0014): outside a transaction each would end
# with its own statement, protecting nothing.
_LOCKING_READ = re.compile(
    r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|SHARE|KEY\s+SHARE)\b|\bpg_advisory_xact_lock|\baudit_chain_head\b",
    re.IGNORECASE,
)


def _reads_only_outside_transactions(engine: Engine) -> None:
    """Outside a transaction each statement commits alone: only plain reads
    may run there. A write (or a locking read, whose lock would end with the
    statement) on such a connection is a mistake, refused before it is sent."""

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_writes(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn.get_execution_options().get(READING) and (
            not statement.lstrip()[:6].upper() == "SELECT" or _LOCKING_READ.search(statement)
        ):
            raise RuntimeError("a write outside a transaction: leave_reading(session) first")


# A connection used a moment ago is alive; pinging it on every checkout (as
# pool_pre_ping does) costs each request one more round trip.
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_after_idling(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat idle a while.

    A connection that idled (a database restart, a failover, a firewall that
    drops quiet connections) is checked first, and a dead one is replaced
    before the request sees it, as pool_pre_ping would. A connection lost
    within the last seconds fails on its first statement instead: the
    request answers the 503 page (``app.web.database_away``), and SQLAlchemy
    then discards every connection of the pool made before the failure.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool replaces this connection and checks out another.
            raise DisconnectionError() from error


class Database:
    """Gives each Flask app its own engine, and each app context its own session.

    Engines live on the app (``app.extensions``), not on this object, so that
    several apps with different settings (as in tests) never share one.
    """

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        # The audit chain's key travels with every session, for the services
        # that write or check the trail (``services.audit``).
        info = {"audit_chain_key": app.config["AUDIT_CHAIN_KEY"].encode()}
        app.extensions["rsu_db"] = sessionmaker(bind=engine, expire_on_commit=False, info=info)

        @app.teardown_appcontext
        def _close_session(_exc: BaseException | None) -> None:
            session = g.pop("db_session", None)
            if session is not None:
                session.close()

    @staticmethod
    def _factory() -> sessionmaker[Session]:
        factory: sessionmaker[Session] = current_app.extensions["rsu_db"]
        return factory

    @property
    def engine(self) -> Engine:
        bind = self._factory().kw["bind"]
        assert isinstance(bind, Engine)
        return bind

    @property
    def session(self) -> Session:
        """The session of the current app context, created on first use."""
        if "db_session" not in g:
            g.db_session = self._factory()()
        session: Session = g.db_session
        return session


def read_without_transaction(session: Session) -> None:
    """Run the session's next statements outside a transaction (autocommit).

    A page that only reads needs no transaction on PostgreSQL's default READ
    COMMITTED level: each statement sees the data committed when it starts,
    in a transaction or not. Without one, the request spares two round trips
    (BEGIN, and ROLLBACK at the end), each a wake-up of the database's
    process: on the 2-core bench machine they were most of PostgreSQL's CPU
    per signed-in page (issue 15). Writes stay in transactions:
    ``leave_reading`` (which ``transaction`` calls) ends this mode, and a
    write attempted in it is refused (``_reads_only_outside_transactions``).
    Call it before the session's first statement.
    """
    if session.in_transaction():
        return  # a transaction is already open: the statements stay in it
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT", READING: True})
    session.info[READING] = session.get_transaction()


def reading(session: Session) -> bool:
    """Whether the session's statements run outside a transaction just now."""
    started = session.info.get(READING)
    return started is not None and started is session.get_transaction()


def leave_reading(session: Session) -> None:
    """The next statements run in a transaction again, on a connection reset
    to the default level. Objects read so far stay loaded (no expiry)."""
    if reading(session):
        session.info.pop(READING, None)
        # Nothing to commit: ends the autocommit "transaction" without a round trip.
        session.commit()


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """One use case, one transaction: commit on success, roll back on any error."""
    leave_reading(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


# Engines for work committed apart from a request's transaction, one per main
# engine. They have pools of their own: a request holding a connection of the
# main pool never waits on that pool for a second one (twenty requests at once
# could otherwise hold every connection, each waiting for one more).
_separate_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


@contextmanager
def separate_transaction(db: Session) -> Iterator[Session]:
    """A transaction on a connection of its own, committed at the end of the
    block whatever then happens to ``db``'s (an attempt counter must stay
    counted when the use case that made the attempt rolls back)."""
    bind = db.get_bind()
    assert isinstance(bind, Engine)
    engine = _separate_engines.get(bind)
    if engine is None:
        # Few idle connections kept: the work done there is one short statement.
        engine = _separate_engines.setdefault(
            bind, make_engine(bind.url, pool_size=2, max_overflow=18)
        )
    with Session(bind=engine) as separate, separate.begin():
        yield separate


def answers(session: Session) -> bool:
    """Whether the database answers a trivial statement (readiness probes)."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
