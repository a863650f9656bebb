"""The chain's hash of a row does not depend on the time zone it was read in,
and cannot be computed without the key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from app.domain.audit_chain import GENESIS, row_hash


def hash_at(moment: datetime, key: bytes = b"k" * 32) -> str:
    return row_hash(key, seq=1, occurred_at=moment, actor_kind="system", actor_account_id=None,
                    on_behalf_of_person_id=None, channel="cli", action="a", subject_type=None,
                    subject_id=None, details={}, previous_hash=GENESIS)  # fmt: skip


def test_one_instant_hashes_the_same_in_any_time_zone() -> None:
    in_utc = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    in_casablanca = in_utc.astimezone(timezone(timedelta(hours=1)))
    naive_utc = in_utc.replace(tzinfo=None)  # as SQLite gives it back
    assert hash_at(in_utc) == hash_at(in_casablanca) == hash_at(naive_utc)
    assert hash_at(in_utc) != hash_at(in_utc + timedelta(microseconds=1))


def test_the_hash_depends_on_the_key() -> None:
    moment = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    assert hash_at(moment, b"one key") != hash_at(moment, b"another key")
