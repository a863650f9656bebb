"""Both document stores keep bytes under server-made names; the database one
keeps them in the transaction of the rows that name them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.integrations.document_store import (
    DatabaseDocumentStore,
    DocumentStore,
    LocalDocumentStore,
)
from app.models import DocumentContent, Person, ReviewDocument
from app.services import review_filing
from tests.support.actors import citizen
from tests.support.reviews import PDF


@pytest.fixture(params=["database", "local"])
def store(request: pytest.FixtureRequest, db: Session) -> DocumentStore:
    if request.param == "local":
        return LocalDocumentStore(Path(tempfile.mkdtemp(prefix="rsu-test-store-")))
    return DatabaseDocumentStore(db)


def test_saved_bytes_read_back_under_a_server_made_name(store: DocumentStore, db: Session) -> None:
    name = store.save(PDF)
    db.commit()
    assert len(name) == 48 and store.read(name) == PDF
    assert list(store.names()) == [name]
    store.delete(name)
    db.commit()
    assert list(store.names()) == []
    with pytest.raises(FileNotFoundError):
        store.read(name)
    with pytest.raises(ValueError):
        store.read("../../etc/passwd")


def test_database_bytes_go_with_a_rolled_back_transaction(db: Session) -> None:
    store = DatabaseDocumentStore(db)
    name = store.save(PDF)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(DocumentContent)) == 0
    with pytest.raises(FileNotFoundError):
        store.read(name)


def youssef(db: Session) -> Person:
    person = db.scalar(select(Person).where(Person.idcs == "1000000201"))
    assert person is not None
    return person


def test_a_filing_that_fails_to_commit_leaves_no_bytes(
    app: Flask, db: Session, demo: None, store: DocumentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database going away at the commit: neither the row nor the bytes stay."""
    person = youssef(db)
    actor = citizen(db, person)

    def commit_fails() -> None:
        raise RuntimeError("connection lost at commit")

    monkeypatch.setattr(db, "commit", commit_fails)
    filing = review_filing.Filing(
        "declaration_error", "Le loyer est faux.", "k-1", [("a.pdf", PDF)]
    )
    scanner = app.extensions["rsu_virus_scanner"]
    with pytest.raises(RuntimeError):
        review_filing.file_review(db, person.id, actor, filing, store, scanner, 30)
    monkeypatch.undo()
    db.rollback()
    assert list(store.names()) == []
    assert db.scalar(select(func.count()).select_from(ReviewDocument)) == 0


def test_a_filed_document_is_read_back_from_the_database(
    app: Flask, db: Session, demo: None
) -> None:
    person = youssef(db)
    filing = review_filing.Filing(
        "declaration_error", "Le loyer est faux.", "k-2", [("a.pdf", PDF)]
    )
    scanner = app.extensions["rsu_virus_scanner"]
    review = review_filing.file_review(
        db, person.id, citizen(db, person), filing, DatabaseDocumentStore(db), scanner, 30
    )
    name = review.documents[0].storage_name
    other = app.extensions["rsu_db"]()  # another node's session sees the same bytes
    try:
        assert DatabaseDocumentStore(other).read(name) == PDF
    finally:
        other.close()
