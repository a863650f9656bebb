"""Review requests from the household's side: filing, documents, following, access."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import uploads
from app.models import AuditEvent, OutboxMessage, ReviewDocument, ReviewRequest
from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of, text_of
from tests.support.reviews import JPEG, PDF, PNG, file_review, review_form


def reviews_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(ReviewRequest)) or 0


def test_youssef_reaches_a_review_form_with_a_file_field(
    client: CheckingClient, demo: None
) -> None:
    login_as(client, "youssef")
    score = soup_of(client.get("/score?lang=fr"))
    assert score.find("a", href="/reviews/new") is not None
    page = soup_of(client.get("/reviews/new?lang=fr"))
    form = page.find("form", enctype="multipart/form-data")
    assert form is not None and form.get("method") == "post"
    upload = form.find("input", attrs={"type": "file"})
    assert upload is not None and upload["name"] == "documents" and upload.has_attr("multiple")
    assert "application/pdf" in upload["accept"]
    assert page.find("label", attrs={"for": upload["id"]}) is not None
    assert form.find("input", attrs={"name": "csrf_token"}) is not None


def test_filing_a_review_gives_a_number_a_due_date_and_notifications(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    response = file_review(client, [("fiche-de-paie.pdf", PDF), ("quittance.png", PNG)])
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[-1]
    assert number.startswith("REV-") and len(number) == len("REV-2026-000001")
    review = db.scalar(select(ReviewRequest))
    assert review is not None and review.number == number and review.status == "submitted"
    assert (review.due_on - review.submitted_at.date()).days == 30
    assert [d.original_name for d in review.documents] == ["fiche-de-paie.pdf", "quittance.png"]
    assert [d.content_type for d in review.documents] == ["application/pdf", "image/png"]

    page = client.get(f"/reviews/{number}?lang=fr")
    text = text_of(page)
    assert "Votre demande de révision est reçue" in text
    assert "Demande reçue" in text and "fiche-de-paie.pdf" in text and "quittance.png" in text
    assert number in text_of(client.get("/me?lang=fr"))
    assert number in text_of(client.get("/score?lang=fr"))

    messages = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "review_filed")).all()
    assert [m.channel for m in messages] == ["sms"]  # youssef gave no email address
    assert messages[0].payload["number"] == number
    filed = db.scalar(select(AuditEvent).where(AuditEvent.action == "review_filed"))
    assert filed is not None and filed.subject_id == number


def test_the_due_date_follows_the_setting(
    database_url: str, oidc_provider: str, db: Session, demo: None
) -> None:
    from tests.conftest import make_test_app

    app = make_test_app(database_url, oidc_provider, REVIEW_DUE_DAYS=10)
    client = app.test_client()
    login_as(client, "youssef")
    assert file_review(client).status_code == 302
    review = db.scalar(select(ReviewRequest))
    assert review is not None and (review.due_on - review.submitted_at.date()).days == 10


BAD_UPLOADS = {
    # what was tried: (files, the message a French reader gets)
    "a wrong type": ([("notes.txt", b"hello")], "Le fichier notes.txt doit être un PDF, un JPEG ou un PNG."),
    "an executable named .exe": ([("setup.exe", b"MZ\x90\x00")], "Le fichier setup.exe doit être un PDF, un JPEG ou un PNG."),
    "a PDF named .jpg": ([("photo.jpg", PDF)], "Le fichier photo.jpg n'est pas vraiment le type de fichier qu'indique son nom."),
    "an executable named .pdf": ([("releve.pdf", b"MZ\x90\x00" + b"\x00" * 32)], "Le fichier releve.pdf n'est pas vraiment le type de fichier qu'indique son nom."),
    "an empty file": ([("vide.pdf", b"")], "Le fichier vide.pdf est vide."),
    "an oversize file": ([("scan.pdf", PDF + b"\x00" * uploads.MAX_FILE_BYTES)], "Le fichier scan.pdf dépasse 5 Mo."),
    "too many files": ([(f"page{i}.png", PNG) for i in range(6)], "Choisissez au plus 5 fichiers."),
    "a name with ../": ([("../../etc/passwd.pdf", PDF)], "Le nom d'un fichier n'est pas valable."),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_bad_uploads_are_refused_with_a_clear_message(
    client: CheckingClient, demo: None, db: Session, case: str
) -> None:
    files, message = BAD_UPLOADS[case]
    login_as(client, "youssef")
    client.get("/reviews/new?lang=fr")
    response = file_review(client, files)
    assert response.status_code == 200
    page = soup_of(response)
    summary = page.find(class_="error-summary")
    assert summary is not None and message in summary.get_text(" ")
    assert summary.find("a", href="#documents") is not None  # linked to the field
    error = page.find(id="documents-error")
    assert error is not None and message in error.get_text(" ")
    assert page.find(id="documents")["aria-describedby"].endswith("documents-error")
    assert "Choisissez-les à nouveau" in text_of(response)
    # What was typed is kept; nothing was recorded or stored.
    assert "600 DH" in page.find("textarea", attrs={"name": "explanation"}).get_text()
    assert reviews_count(db) == 0
    assert db.scalar(select(func.count()).select_from(ReviewDocument)) == 0


def test_a_missing_reason_and_explanation_are_named(client: CheckingClient, demo: None) -> None:
    login_as(client, "youssef")
    client.get("/reviews/new?lang=fr")
    response = file_review(client, reason="", explanation="   ")
    summary = soup_of(response).find(class_="error-summary")
    assert summary is not None
    assert [a["href"] for a in summary.find_all("a")] == ["#reason-0", "#explanation"]


def test_a_double_submit_files_one_request(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "youssef")
    hidden = review_form(client)
    first = file_review(client, [("a.pdf", PDF)], hidden=hidden)
    second = file_review(client, [("a.pdf", PDF)], hidden=hidden)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert reviews_count(db) == 1
    assert db.scalar(select(func.count()).select_from(ReviewDocument)) == 1


def test_one_open_review_per_household(client: CheckingClient, demo: None, db: Session) -> None:
    login_as(client, "youssef")
    hidden = review_form(client)
    opened_before = review_form(client)
    assert file_review(client, hidden=hidden).status_code == 302
    page = text_of(client.get("/reviews/new?lang=fr"))
    assert "déjà une demande de révision en cours" in page
    # A form opened before the first was sent is refused too.
    again = file_review(client, hidden=opened_before)
    assert again.status_code == 409
    assert reviews_count(db) == 1


def test_documents_are_served_as_attachments_to_the_household_only(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    number = file_review(client, [("photo.jpg", JPEG)]).headers["Location"].rsplit("/", 1)[-1]
    document = db.scalar(select(ReviewDocument))
    assert document is not None
    path = f"/reviews/{number}/documents/{document.id}"
    response = client.get(path)
    assert response.status_code == 200
    # The photo as stored: encoded again (no metadata), the same picture.
    assert hashlib.sha256(response.data).hexdigest() == document.sha256
    assert Image.open(io.BytesIO(response.data)).size == Image.open(io.BytesIO(JPEG)).size
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "image/jpeg"
    assert "no-store" in response.headers["Cache-Control"]
    # Stored under a name the server chose, outside the web root.
    assert document.storage_name != "photo.jpg" and len(document.storage_name) == 48
    assert client.get(f"/static/{document.storage_name}").status_code == 404

    # fatima, an adult member, follows the request and its documents but cannot file one.
    login_as(client, "fatima")
    assert client.get(f"/reviews/{number}").status_code == 200
    assert client.get(path).status_code == 200
    assert client.get("/reviews/new").status_code == 403
    # amina, of another household, learns nothing: not found, like a number that does not exist.
    login_as(client, "amina")
    assert client.get(f"/reviews/{number}").status_code == 404
    assert client.get(path).status_code == 404
    assert client.get("/reviews/REV-2026-999999").status_code == 404
    # A reviewer reads documents in the back office, not through the citizen's pages.
    login_as(client, "reviewer.omar")
    assert client.get(path).status_code == 403
    assert client.get(f"/backoffice/reviews/{number}/documents/{document.id}").status_code == 200
    # Anonymous visitors are sent to sign in.
    client.delete_cookie("rsu_session")
    for anonymous in (f"/reviews/{number}", path, "/reviews/new"):
        assert client.get(anonymous).status_code == 302


def test_a_document_of_another_review_is_not_served_under_this_number(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    number = file_review(client, [("a.pdf", PDF)]).headers["Location"].rsplit("/", 1)[-1]
    document = db.scalar(select(ReviewDocument))
    assert document is not None
    assert client.get(f"/reviews/{number}/documents/{document.id + 1}").status_code == 404
