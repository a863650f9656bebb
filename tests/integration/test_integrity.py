"""``flask integrity check``: each invariant, broken by hand, is named; intact data passes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.integrations.document_store import DocumentStore
from app.models import HouseholdVersion, Score
from app.services import review_filing
from tests.support.actors import citizen
from tests.support.integrity import assert_integrity
from tests.support.reviews import PDF


def check(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["integrity", "check"])
    return result.exit_code, result.output


def store_of(app: Flask, db: Session) -> DocumentStore:
    """The configured store (DOCUMENT_STORE), working through the test's session."""
    store: DocumentStore = app.extensions["rsu_documents"](db)
    return store


def file_a_review(app: Flask, db: Session) -> str:
    """youssef's review with one document; returns the document's storage name."""
    from app.models import Person

    person = db.scalar(select(Person).where(Person.idcs == "1000000201"))
    assert person is not None
    filing = review_filing.Filing(
        "declaration_error", "Le loyer est faux.", "key-1", [("a.pdf", PDF)]
    )
    scanner = app.extensions["rsu_virus_scanner"]
    review = review_filing.file_review(
        db, person.id, citizen(db, person), filing, store_of(app, db), scanner, 30
    )
    return review.documents[0].storage_name


def test_the_demo_register_is_intact(app: Flask, db: Session, demo: None) -> None:
    file_a_review(app, db)
    assert_integrity(app)


def first_version(db: Session) -> HouseholdVersion:
    version = db.scalar(select(HouseholdVersion).order_by(HouseholdVersion.id).limit(1))
    assert version is not None
    return version


def remove_members(db: Session) -> None:
    db.execute(text("DELETE FROM household_version_members WHERE version_id = :v"),
               {"v": first_version(db).id})  # fmt: skip


def remove_scores(db: Session) -> None:
    db.execute(text("DELETE FROM scores WHERE household_version_id = :v"),
               {"v": first_version(db).id})  # fmt: skip


def misdirect_a_score(db: Session) -> None:
    score = db.scalar(select(Score).order_by(Score.id).limit(1))
    assert score is not None
    db.execute(text("UPDATE scores SET household_id = household_id + 1000 WHERE id = :s"),
               {"s": score.id})  # fmt: skip


def issue_a_certificate(app: Flask, db: Session) -> None:
    from app.models import Household
    from app.services import certificates
    from app.web.certificate_pdf import print_certificate

    household = db.scalar(select(Household).order_by(Household.id).limit(1))
    assert household is not None
    with app.test_request_context("/"):
        actor = citizen(db, household.declarant)
        certificates.issue(db, household, "registration", actor, print_certificate)


def alter_a_certificate(db: Session) -> None:
    db.execute(text("UPDATE certificates SET content = content || '\\x00'::bytea "
                    "WHERE id = (SELECT min(id) FROM certificates)"))  # fmt: skip


def alter_the_audit_trail(db: Session) -> None:
    db.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    db.execute(text("UPDATE audit_events SET action = 'forged' WHERE seq = 1"))
    db.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


@pytest.mark.parametrize(
    ("breakage", "named"),
    [
        (remove_members, "every household version has its members"),
        (remove_scores, "every household version has a score"),
        (misdirect_a_score, "every score points at its version and its model"),
        (alter_a_certificate, "every certificate's SHA-256 matches its stored bytes"),
        (alter_the_audit_trail, "the audit trail's hash chain holds"),
    ],
)
def test_a_broken_invariant_is_named_and_exits_1(
    app: Flask, db: Session, demo: None, breakage: Callable[[Session], None], named: str
) -> None:
    issue_a_certificate(app, db)
    assert check(app)[0] == 0
    breakage(db)
    db.commit()
    status, output = check(app)
    assert status == 1
    assert f"Broken: {named}." in output


def test_a_document_without_its_file_and_a_file_without_its_row(
    app: Flask, db: Session, demo: None
) -> None:
    name = file_a_review(app, db)
    store = store_of(app, db)
    stray = store.save(b"%PDF-1.4 nobody's")
    db.commit()  # a transactional store keeps what its session commits
    status, output = check(app)
    assert status == 1 and "every file in the document store has its row" in output
    assert stray in output
    store.delete(stray)
    store.delete(name)
    db.commit()
    status, output = check(app)
    assert status == 1 and "every stored document has its file" in output and name in output
