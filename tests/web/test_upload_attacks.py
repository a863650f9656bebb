"""The three files that were stored as sent are refused, with a message, and
nothing of them is kept: a PDF with an /OpenAction running JavaScript, a
PDF/HTML polyglot, and a 1 MB PNG that inflates to 1 GiB."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ReviewDocument, ReviewRequest
from tests.support.login import login_as
from tests.support.pages import CheckingClient, soup_of
from tests.support.reviews import file_review
from tests.support.upload_attacks import javascript_open_action_pdf, pdf_html_polyglot

ACTIVE = "contient des éléments qui pourraient s'exécuter"


@pytest.mark.parametrize(
    ("name", "attack", "message"),
    [
        ("attestation.pdf", "open_action", ACTIVE),
        ("releve.pdf", "polyglot", ACTIVE),
        ("scan.png", "png_bomb", "a plus de 40 millions de pixels"),
    ],
)
def test_each_attack_file_is_refused_and_nothing_is_stored(
    app: Flask, client: CheckingClient, demo: None, db: Session, request: pytest.FixtureRequest,
    name: str, attack: str, message: str,
) -> None:  # fmt: skip
    content = {
        "open_action": javascript_open_action_pdf,
        "polyglot": pdf_html_polyglot,
        "png_bomb": lambda: request.getfixturevalue("png_bomb"),
    }[attack]()
    store = app.extensions["rsu_documents"](db)
    uploads = Path(app.config["UPLOAD_DIR"])
    before = (set(store.names()), set(uploads.rglob("*")))
    login_as(client, "youssef")
    client.get("/reviews/new?lang=fr")
    response = file_review(client, [(name, content)])
    assert response.status_code == 200
    error = soup_of(response).find(id="documents-error")
    assert error is not None and name in error.get_text() and message in error.get_text()
    assert db.scalar(select(func.count()).select_from(ReviewRequest)) == 0
    assert db.scalar(select(func.count()).select_from(ReviewDocument)) == 0
    db.rollback()  # a fresh snapshot of the database store
    assert (set(store.names()), set(uploads.rglob("*"))) == before  # no byte of it was written
