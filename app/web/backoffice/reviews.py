"""The reviewers' desk: the queue of review requests, a case, and its decision."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app import clock
from app.domain import changes, geography
from app.domain.errors import DomainError, Invalid, NotFound
from app.domain.input_rules import PAGE_MAX
from app.domain.review_status import ReviewStatus
from app.extensions import db
from app.i18n import current_language
from app.models.reviews import REVIEW_REASONS, ReviewRequest
from app.services import household_life as life
from app.services import review_desk as desk
from app.services import review_queue as queue_service
from app.services.actors import Actor
from app.web import labels
from app.web.access import Rule, access, current_staff_actor
from app.web.backoffice import bp
from app.web.change_pages import CHANGE_FIELDS, change_page, people_of
from app.web.citizen.score_facts import describe_for_staff as describe_fact
from app.web.documents import download
from app.web.input_boundary import accepts, answer, query, query_number
from app.web.messages import refusal_text
from app.web.questionnaire_forms import show_invalid
from app.web.review_forms import DecisionReasonForm, QueueFilterForm

CHANNEL = "backoffice"


def _actor() -> Actor:
    return current_staff_actor(CHANNEL)


FILTERS = ("status", "reason", "region", "due")


def _filter_form() -> QueueFilterForm:
    form = QueueFilterForm(data={name: query(name) for name in FILTERS})
    form.status.choices = [
        SelectChoice("open", labels.REVIEW_QUEUE_STATUSES["open"]),
        *(SelectChoice(s, labels.REVIEW_STATUSES[s]) for s in ReviewStatus),
        SelectChoice("all", labels.REVIEW_QUEUE_STATUSES["all"]),
    ]
    form.reason.choices = [
        SelectChoice("", labels.REVIEW_QUEUE_STATUSES["any_reason"]),
        *(SelectChoice(r, labels.REVIEW_REASONS[r]) for r in REVIEW_REASONS),
    ]
    language = current_language()
    form.region.choices = [
        SelectChoice("", labels.REVIEW_QUEUE_STATUSES["any_region"]),
        *(SelectChoice(r.code, r.name(language)) for r in geography.regions()),
    ]
    form.due.choices = [
        SelectChoice("", labels.REVIEW_QUEUE_STATUSES["any_due"]),
        SelectChoice("soon", labels.REVIEW_QUEUE_STATUSES["soon"]),
        SelectChoice("overdue", labels.REVIEW_QUEUE_STATUSES["overdue"]),
    ]
    return form


@bp.get("/reviews")
@access(Rule.REVIEWER)
@accepts(query=(*FILTERS, "mine", "page"))
def review_queue() -> str:
    """Review requests, the most urgent first, with the filters chosen."""
    filters = _queue_filters()
    page = query_number("page", 1, PAGE_MAX) or 1
    result = queue_service.queue(db.session, filters, _actor(), page)
    return render_template("backoffice/reviews/queue.html", form=_filter_form(), filters=filters,
                           result=result, today=clock.today())  # fmt: skip


def _queue_filters() -> queue_service.QueueFilters:
    return queue_service.QueueFilters(
        status=query("status") or "open",
        reason=query("reason") or "",
        region=query("region") or "",
        due=query("due") or "",
        mine=query("mine") == "1",
    )


def _case_page(number: str, **extra: Any) -> str:
    try:
        case = desk.open_case(db.session, number, _actor())
    except NotFound:
        abort(404)
    history = [
        (version, changes.compare(older.declaration, version.declaration) if older else [])
        for version, older in zip(case.versions, [*case.versions[1:], None], strict=True)
    ]
    return render_template(
        "backoffice/reviews/case.html",
        case=case,
        review=case.review,
        history=history,
        people=people_of(*(v.declaration for v in case.versions)),
        describe_fact=describe_fact,
        me=_actor().account_id,
        kinds=changes.CHANGE_KINDS,
        uphold_form=extra.pop("uphold_form", None) or DecisionReasonForm(),
        refuse_form=extra.pop("refuse_form", None) or DecisionReasonForm(),
        **extra,
    )


@bp.get("/reviews/<review_number:number>")
@access(Rule.REVIEWER)
def review_case(number: str) -> str:
    return _case_page(number)


def _refused(number: str, error: DomainError) -> tuple[str, int]:
    if error.code == "not_found":
        abort(404)
    return _case_page(number, refusal=refusal_text(error.code), page_has_errors=True), 409


@bp.post("/reviews/<review_number:number>/take")
@access(Rule.REVIEWER)
def review_take(number: str) -> Response | tuple[str, int]:
    try:
        desk.take(db.session, number, _actor())
    except DomainError as error:
        return _refused(number, error)
    flash("review_taken", "success")
    return redirect(url_for("backoffice.review_case", number=number))


@bp.post("/reviews/<review_number:number>/uphold")
@access(Rule.REVIEWER)
@accepts(form=("decision_reason",))
def review_uphold(number: str) -> Response | str | tuple[str, int]:
    """The score stands, for the reason written."""
    return _with_reason(number, desk.uphold, "uphold_form", "review_upheld")


def _with_reason(
    number: str, act: Callable[[Session, str, Actor, str], object], form_slot: str, notice: str
) -> Response | str | tuple[str, int]:
    """A decision that carries a written reason: upholding, or refusing a correction."""
    form = DecisionReasonForm()
    try:
        act(db.session, number, _actor(), answer("decision_reason"))
    except Invalid as invalid:
        status = show_invalid(form, invalid)
        return _case_page(number, page_has_errors=True, **{form_slot: form}), status
    except DomainError as error:
        return _refused(number, error)
    flash(notice, "success")
    return redirect(url_for("backoffice.review_case", number=number))


@bp.route("/reviews/<review_number:number>/correct/<kind>", methods=["GET", "POST"])
@access(Rule.REVIEWER)
@accepts(form=(*CHANGE_FIELDS, "decision_reason"), query=("member",))
def review_correct(number: str, kind: str) -> str | tuple[str, int] | Response:
    """The declarant's own change forms, with the reason for the decision."""
    if kind not in changes.CHANGE_KINDS:
        abort(404)
    review = _correcting(number)
    return change_page(
        kind,
        review.household,
        partial(_send_correction, number),
        key_kind=f"correction:{number}:{kind}",
        back_url=url_for("backoffice.review_case", number=number),
        extra_form=DecisionReasonForm,
        context={"correcting": review},
    )


def _correcting(number: str) -> ReviewRequest:
    """The request whose data this reviewer corrects; its opening is recorded on GET
    (the answers being checked or sent come after it)."""
    opened = desk.open_correction if request.method == "GET" else desk.correction_under_way
    try:
        return opened(db.session, number, _actor())
    except NotFound:
        abort(404)
    except DomainError as error:
        abort(make_response(_refused(number, error)))


def _send_correction(number: str, change: life.ChangeForm, _form: FlaskForm) -> Response:
    outcome = desk.correct(db.session, number, _actor(), change, answer("decision_reason"))
    flash("review_corrected" if outcome.applied else "correction_proposed", "success")
    return redirect(url_for("backoffice.review_case", number=number))


@bp.post("/reviews/<review_number:number>/approve")
@access(Rule.REVIEWER)
def review_approve(number: str) -> Response | tuple[str, int]:
    try:
        review = desk.approve(db.session, number, _actor())
    except DomainError as error:
        return _refused(number, error)
    flash(
        "correction_approved" if review.status == ReviewStatus.DECIDED else "correction_returned",
        "success",
    )
    return redirect(url_for("backoffice.review_case", number=number))


@bp.post("/reviews/<review_number:number>/refuse")
@access(Rule.REVIEWER)
@accepts(form=("decision_reason",))
def review_refuse(number: str) -> Response | str | tuple[str, int]:
    """The second reviewer does not approve the correction: back to its reviewer."""
    return _with_reason(number, desk.refuse_correction, "refuse_form", "correction_returned")


@bp.get("/reviews/<review_number:number>/documents/<int:document_id>")
@access(Rule.REVIEWER)
def review_document(number: str, document_id: int) -> Response:
    try:
        document = desk.document_for_reviewer(db.session, number, document_id, _actor())
    except NotFound:
        abort(404)
    return download(document)
