"""Certificates as issued: their text in both languages, signature, QR code,
supersession, revocation, idempotence. Each kind is also rendered to PNG in
test-artifacts/certificates/ to be looked at."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.domain.identifiers import certificate_number, format_certificate_number
from app.integrations.signing import signature_is_valid
from app.models import Certificate, Household, Person, RegistrationSubmission
from app.services import certificates
from app.services import household_life as life
from app.services.actors import Actor
from app.web.certificate_pdf import print_certificate, verification_url
from tests.support.actors import citizen
from tests.support.pdf_tools import first_page_png, pdf_text, qr_payload

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "certificates"


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"):
        yield


def youssef_household(db: Session) -> tuple[Household, Person, Actor]:
    household = db.scalar(select(Household))
    assert household is not None
    person = db.get(Person, household.declarant_id)
    assert person is not None
    return household, person, citizen(db, person)


def issue(db: Session, kind: str) -> Certificate:
    household, _person, actor = youssef_household(db)
    return certificates.issue(db, household, kind, actor, print_certificate)


def with_receipt(db: Session) -> None:
    household, person, _ = youssef_household(db)
    db.add(RegistrationSubmission(submission_key="k" * 40, receipt_number="REC-2026-00000001",
                                  household_id=household.id, person_id=person.id,
                                  submitted_at=household.registered_at))  # fmt: skip
    db.commit()


EXPECTED = {
    # kind: (French phrases, Arabic phrases) that the PDF must hold
    "registration_receipt": (
        ["Récépissé d'inscription", "REC-2026-00000001", "Youssef El Amrani", "Casablanca-Settat"],
        ["وصل التسجيل", "يوسف العمراني", "الدار البيضاء سطات"],
    ),
    "registration": (
        [
            "Attestation d'inscription",
            "Membres du ménage",
            "Fatima El Amrani",
            "Khadija Bennani",
            "1951",
        ],
        ["شهادة التسجيل", "أفراد الأسرة", "فاطمة العمراني", "خديجة بناني"],
    ),
    "score": (
        ["Attestation d'indice et d'éligibilité", "9,2355063", "AMO Tadamon", "Éligible"],
        ["شهادة المؤشر والأهلية", "مؤهل"],
    ),
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_each_kind_states_its_facts_in_both_languages(
    demo: None, db: Session, request_context: None, tmp_path: Path, kind: str
) -> None:
    with_receipt(db)
    certificate = issue(db, kind)
    french, arabic = EXPECTED[kind]
    left, right = (
        pdf_text(certificate.content, tmp_path, "left"),
        pdf_text(certificate.content, tmp_path, "right"),
    )
    for phrase in french:
        assert phrase in left, (phrase, left)
    for phrase in arabic:
        assert phrase in right, (phrase, right)
    whole = pdf_text(certificate.content, tmp_path)
    assert format_certificate_number(certificate.number) in whole
    assert verification_url(certificate.number) in whole
    first_page_png(certificate.content, ARTIFACTS / f"{kind}.png")


def test_the_certificate_of_deregistration(
    demo: None, db: Session, request_context: None, tmp_path: Path
) -> None:
    household, person, actor = youssef_household(db)
    registration = issue(db, "registration")
    life.deregister(db, person.id, actor, understood=True)
    certificate = certificates.issue(db, household, "deregistration", actor, print_certificate)
    left, right = (
        pdf_text(certificate.content, tmp_path, "left"),
        pdf_text(certificate.content, tmp_path, "right"),
    )
    for phrase in ("Attestation de radiation", "Radié le"):
        assert phrase in left, phrase
    for phrase in ("شهادة التشطيب", "يوسف العمراني", "تاريخ التشطيب"):
        assert phrase in right, phrase
    first_page_png(certificate.content, ARTIFACTS / "deregistration.png")
    # Deregistration revokes what vouched for the registration; the certificate stays authentic.
    db.refresh(registration)
    assert registration.status == "revoked" and registration.revoked_at is not None
    assert certificate.status == "valid"
    with pytest.raises(Exception, match="certificate_not_available"):
        certificates.issue(db, household, "registration", actor, print_certificate)


def test_the_signature_validates_and_the_stored_hash_is_the_files(
    demo: None, db: Session, request_context: None, app: Flask
) -> None:
    certificate = issue(db, "score")
    trusted = Path(app.config["SIGNING_CERT_FILE"]).read_bytes()
    assert signature_is_valid(certificate.content, trusted)
    assert certificate.sha256 == hashlib.sha256(certificate.content).hexdigest()
    middle = len(certificate.content) // 3  # inside the page's content, not the signature
    tampered = bytearray(certificate.content)
    tampered[middle] ^= 0x01
    assert not signature_is_valid(bytes(tampered), trusted)


def test_the_qr_code_reads_back_as_the_printed_address(
    demo: None, db: Session, request_context: None, tmp_path: Path
) -> None:
    certificate = issue(db, "registration")
    png = first_page_png(certificate.content, tmp_path / "page.png", resolution=200)
    assert qr_payload(png) == verification_url(certificate.number)
    assert qr_payload(png).startswith("http://127.0.0.1:8000/verify/")


def test_the_pdf_has_a_title_and_a_language(demo: None, db: Session, request_context: None) -> None:
    certificate = issue(db, "registration")
    reader = PdfFileReader(BytesIO(certificate.content))
    assert reader.root["/Lang"] == "ar-MA"
    title = str(reader.trailer_view["/Info"]["/Title"])
    assert "شهادة التسجيل" in title and "Attestation d'inscription" in title
    assert certificate.number in title


def test_issuing_is_idempotent_for_the_same_facts(
    demo: None, db: Session, request_context: None
) -> None:
    first = issue(db, "registration")
    again = issue(db, "registration")
    assert again.number == first.number and again.sha256 == first.sha256
    assert len(db.scalars(select(Certificate)).all()) == 1


def test_a_number_already_taken_is_drawn_again(
    demo: None, db: Session, request_context: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numbers are not looked up before use: the unique index catches a clash,
    and the whole issue is made again under a new number, a few times at most."""
    taken = issue(db, "registration").number
    fresh = certificate_number(1)
    draws = iter([taken] * certificates.NUMBER_DRAWS + [taken, taken, fresh])
    monkeypatch.setattr(certificates, "_new_number", lambda: next(draws))
    with pytest.raises(IntegrityError, match="uq_certificates_number"):
        issue(db, "score")
    assert len(db.scalars(select(Certificate)).all()) == 1
    assert issue(db, "score").number == fresh
    assert len(db.scalars(select(Certificate)).all()) == 2


def test_a_change_supersedes_only_the_certificates_whose_facts_changed(
    demo: None, db: Session, request_context: None
) -> None:
    _household, person, actor = youssef_household(db)
    registration = issue(db, "registration")
    score = issue(db, "score")
    # A new phone: neither the members nor the score change.
    life.declare_change(
        db, person.id, actor, life.ChangeForm("phone", 1, "k1", {"phone": "0677889900"})
    )
    db.refresh(registration)
    db.refresh(score)
    assert registration.status == score.status == "valid"
    # More spending: the score changes, the members do not.
    spending = {
        "electricity_bill": "400",
        "water_bill": "70",
        "telecom": "300",
        "butane_bottles": "3",
    }
    later = clock.now()
    with clock.freeze(later):
        life.declare_change(db, person.id, actor, life.ChangeForm("spending", 2, "k2", spending))
    db.refresh(registration)
    db.refresh(score)
    assert registration.status == "valid"
    assert score.status == "superseded" and score.superseded_at == later
    # The next score certificate is a new one, stating the new score.
    current = issue(db, "score")
    assert current.number != score.number and current.snapshot["score"] != score.snapshot["score"]
    assert current.version_number == 3


def test_every_issued_certificate_is_recorded(
    demo: None, db: Session, request_context: None
) -> None:
    from app.models import AuditEvent

    certificate = issue(db, "registration")
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_issued"))
    assert event is not None and event.subject_id == certificate.number
    assert event.details == {"kind": "registration", "version": 1}
