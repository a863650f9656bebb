"""Review requests, for the household: file one (declarant), follow them (adult members)."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from app.domain.errors import DomainError, Invalid, NotFound
from app.extensions import db
from app.integrations.document_store import document_store
from app.integrations.virus_scanner import virus_scanner
from app.models import ReviewRequest
from app.services import review_filing
from app.web.access import Rule, access, current_actor, signed_in_person_id
from app.web.citizen import bp
from app.web.documents import download
from app.web.input_boundary import (
    InputRefused,
    accepts,
    answers,
    new_submission_key,
    submission_key,
    uploaded_files,
)
from app.web.messages import refusal_text
from app.web.questionnaire_forms import show_invalid
from app.web.review_forms import MAX_FILE_MB, MAX_FILES, ReviewRequestForm


@bp.route("/reviews/new", methods=["GET", "POST"])
@access(Rule.CITIZEN)
@accepts(form=("reason", "explanation", "submission_key"), files="documents")
def review_new() -> str | tuple[str, int] | Response:
    """The declarant files a review request: reason, explanation, documents."""
    asking = _asking()
    form = ReviewRequestForm()
    form.submission_key.data = new_submission_key(asking.key_kind)
    if request.method == "GET":
        return _new_page(form, asking)
    files = uploaded_files()
    try:
        review = _file(asking, files)
    except Invalid as invalid:
        status = show_invalid(form, invalid)
        if not isinstance(invalid, InputRefused):  # the same key again: sent twice, filed once
            form.submission_key.data = submission_key(asking.key_kind)
        # Browsers cannot keep chosen files across pages: say so when files were sent.
        return _new_page(form, asking, choose_again=bool(files), page_has_errors=True), status
    except DomainError as error:
        return _new_page(form, asking, refusal=refusal_text(error.code), page_has_errors=True), 409
    flash("review_filed", "success")
    return redirect(url_for("citizen.review", number=review.number))


def _asking() -> review_filing.Asking:
    """The declarant's household, or the page that says why not."""
    try:
        return review_filing.asking(db.session, signed_in_person_id())
    except DomainError as error:
        if error.code == "no_household":
            abort(make_response(render_template("citizen/no_household.html"), 404))
        abort(403)


def _new_page(form: ReviewRequestForm, asking: review_filing.Asking, **page: Any) -> str:
    return render_template(
        "citizen/reviews/new.html",
        form=form,
        existing=asking.open_review,
        max_files=MAX_FILES,
        max_mb=MAX_FILE_MB,
        **page,
    )


def _file(asking: review_filing.Asking, files: list[Any]) -> ReviewRequest:
    sent = answers("reason", "explanation")
    filing = review_filing.Filing(
        reason=sent.get("reason", ""),
        explanation=sent.get("explanation", ""),
        submission_key=submission_key(asking.key_kind),
        files=files,
    )
    return review_filing.file_review(
        db.session,
        signed_in_person_id(),
        current_actor(),
        filing,
        document_store(db.session),
        virus_scanner(),
        current_app.config["REVIEW_DUE_DAYS"],
    )


@bp.get("/reviews/<review_number:number>")
@access(Rule.CITIZEN)
def review(number: str) -> str:
    try:
        found = review_filing.review_for_member(db.session, signed_in_person_id(), number)
    except NotFound:
        abort(404)
    return render_template("citizen/reviews/show.html", review=found)


@bp.get("/reviews/<review_number:number>/documents/<int:document_id>")
@access(Rule.CITIZEN)
def review_document(number: str, document_id: int) -> Response:
    try:
        found = review_filing.review_for_member(db.session, signed_in_person_id(), number)
        document = review_filing.document_of(found, document_id)
    except NotFound:
        abort(404)
    return download(document)
