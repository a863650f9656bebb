"""The register's invariants, checked against what is stored (``flask integrity check``).

What must always hold, whatever was sent to the portal and however many
requests ran at once:
1. every household version has its members and a score;
2. every score points at its version (of the same household) and its model;
3. every certificate's SHA-256 is that of the bytes stored for it;
4. every stored document has its file, with the SHA-256 recorded, and every
   file in the store has its row;
5. the audit trail's hash chain holds (``app.services.audit.verify``).

The checks read in order and stop at the first broken invariant, which they
name with the row that breaks it. Nothing is repaired: a broken invariant
is for a person to look at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, Row, exists, select
from sqlalchemy.orm import Session

from app.integrations.document_store import DocumentStore
from app.models import (
    Certificate,
    HouseholdVersion,
    HouseholdVersionMember,
    ReviewDocument,
    Score,
    ScoringModelRecord,
)
from app.services import audit

BATCH = 500


@dataclass(frozen=True)
class Broken:
    """The first invariant found broken, and the row that breaks it."""

    invariant: str
    row: str


@dataclass(frozen=True)
class IntegrityReport:
    broken: Broken | None
    audit_rows: int = 0

    @property
    def intact(self) -> bool:
        return self.broken is None


def _version_without(db: Session, child: type[HouseholdVersionMember] | type[Score]) -> str | None:
    column = (
        HouseholdVersionMember.version_id
        if child is HouseholdVersionMember
        else Score.household_version_id
    )
    found = db.execute(
        select(HouseholdVersion.id, HouseholdVersion.household_id, HouseholdVersion.number)
        .where(~exists().where(column == HouseholdVersion.id))
        .order_by(HouseholdVersion.id)
        .limit(1)
    ).first()
    if found is None:
        return None
    return f"household version {found.id} (household {found.household_id}, number {found.number})"


def _versions_have_members(db: Session, _store: DocumentStore) -> Broken | None:
    row = _version_without(db, HouseholdVersionMember)
    return Broken("every household version has its members", row) if row else None


def _versions_have_scores(db: Session, _store: DocumentStore) -> Broken | None:
    row = _version_without(db, Score)
    return Broken("every household version has a score", row) if row else None


def _scores_point_at_version_and_model(db: Session, _store: DocumentStore) -> Broken | None:
    found = db.execute(
        select(Score.id, Score.household_id, Score.household_version_id, Score.model_id)
        .outerjoin(HouseholdVersion, HouseholdVersion.id == Score.household_version_id)
        .outerjoin(ScoringModelRecord, ScoringModelRecord.id == Score.model_id)
        .where(
            HouseholdVersion.id.is_(None)
            | (HouseholdVersion.household_id != Score.household_id)
            | ScoringModelRecord.id.is_(None)
        )
        .order_by(Score.id)
        .limit(1)
    ).first()
    if found is None:
        return None
    return Broken(
        "every score points at its version and its model",
        f"score {found.id} (household {found.household_id}, version "
        f"{found.household_version_id}, model {found.model_id})",
    )


def _in_batches(db: Session, statement: Callable[[int], Executable]) -> Iterator[Row[Any]]:
    """Rows by id, a batch at a time: certificates carry their PDF bytes."""
    after = 0
    while True:
        rows = list(db.execute(statement(after)))
        if not rows:
            return
        yield from rows
        after = rows[-1].id


def _certificates_match_their_hash(db: Session, _store: DocumentStore) -> Broken | None:
    def batch(after: int) -> Executable:
        return (
            select(Certificate.id, Certificate.number, Certificate.sha256, Certificate.content)
            .where(Certificate.id > after)
            .order_by(Certificate.id)
            .limit(BATCH)
        )

    for row in _in_batches(db, batch):
        if hashlib.sha256(row.content).hexdigest() != row.sha256:
            return Broken(
                "every certificate's SHA-256 matches its stored bytes",
                f"certificate {row.id} (number {row.number})",
            )
    return None


def _documents_have_files(db: Session, store: DocumentStore) -> Broken | None:
    def batch(after: int) -> Executable:
        return (
            select(ReviewDocument.id, ReviewDocument.storage_name, ReviewDocument.sha256)
            .where(ReviewDocument.id > after)
            .order_by(ReviewDocument.id)
            .limit(BATCH)
        )

    for row in _in_batches(db, batch):
        name, recorded = row.storage_name, row.sha256
        try:
            content = store.read(name)
        except FileNotFoundError:
            return Broken("every stored document has its file", f"document {row.id} ({name})")
        if hashlib.sha256(content).hexdigest() != recorded:
            return Broken(
                "every stored document has its file",
                f"document {row.id} ({name}): the file differs from the one received",
            )
    return None


def _files_have_rows(db: Session, store: DocumentStore) -> Broken | None:
    known = set(db.scalars(select(ReviewDocument.storage_name)))
    for name in sorted(store.names()):
        if name not in known:
            return Broken("every file in the document store has its row", f"file {name}")
    return None


CHECKS: tuple[Callable[[Session, DocumentStore], Broken | None], ...] = (
    _versions_have_members,
    _versions_have_scores,
    _scores_point_at_version_and_model,
    _certificates_match_their_hash,
    _documents_have_files,
    _files_have_rows,
)


def check(db: Session, store: DocumentStore) -> IntegrityReport:
    """Every invariant, in order; the first broken one is named.

    The audit trail is walked last, with ``audit.verify``, which empties the
    session as it goes: give this a session of its own, as the CLI does.
    """
    for invariant in CHECKS:
        broken = invariant(db, store)
        if broken is not None:
            return IntegrityReport(broken)
        db.rollback()  # one snapshot per check; nothing is written
    chain = audit.verify(db)
    if not chain.intact:
        return IntegrityReport(
            Broken(
                "the audit trail's hash chain holds",
                f"audit row seq={chain.broken_seq} (id {chain.broken_id}): {chain.problem}",
            ),
            chain.rows,
        )
    return IntegrityReport(None, chain.rows)
