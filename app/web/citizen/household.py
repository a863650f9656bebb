"""The household's data and its history; declaring changes; confirming; deregistering.

Adult members read; only the declarant changes anything (the services
check it, the pages only hide what cannot be used). Every change form
carries the version it was based on and a single-use key.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.domain import changes
from app.domain.errors import DomainError, Invalid
from app.extensions import db
from app.services import counter
from app.services import household_life as life
from app.services.household_page import household_page, version_page
from app.services.scoring import current_score, eligibility_of
from app.web.access import Rule, access, acting_for, current_actor, signed_in_person_id
from app.web.change_pages import CHANGE_FIELDS, change_page, people_of
from app.web.citizen import bp
from app.web.citizen.certificates import issue_deregistration_certificate
from app.web.input_boundary import accepts, answer, ticked
from app.web.messages import refusal_text
from app.web.questionnaire_forms import DeregisterForm, show_invalid
from app.web.reads_only import reads_only


def _reader() -> life.Reader:
    try:
        return life.reader_of_household(db.session, signed_in_person_id())
    except DomainError as error:
        if error.code == "no_household":
            abort(404)
        abort(403)


def _declarant() -> life.Reader:
    reader = _reader()
    if not reader.is_declarant:
        abort(403)
    return reader


@bp.get("/household")
@access(Rule.CITIZEN)
@reads_only
def household() -> str:
    try:
        page = household_page(db.session, signed_in_person_id())
    except DomainError as error:
        if error.code == "no_household":
            abort(404)
        abort(403)
    assert page.current.declaration is not None
    return render_template(
        "citizen/household/index.html",
        reader=page.reader,
        versions=page.versions,
        current=page.current,
        people=people_of(page.current.declaration),
        scores=page.scores,
        due=page.due,
    )


@bp.get("/household/versions/<int:number>")
@access(Rule.CITIZEN)
def household_version(number: int) -> str:
    """One version compared with the one before it, and what it did to the score."""
    reader = _reader()
    page = version_page(db.session, reader.household.id, number)
    if page is None:
        abort(404)
    return render_template("citizen/household/version.html", reader=reader,
                           version=page.version, previous=page.previous,
                           differences=page.differences, people=people_of(*page.declarations),
                           before=page.score_before, after=page.score_after,
                           eligibility_of=lambda score: eligibility_of(reader.household, score))  # fmt: skip


@bp.get("/household/changes/new")
@access(Rule.CITIZEN)
def household_changes() -> str:
    reader = _declarant()
    return render_template(
        "citizen/household/changes.html", reader=reader, kinds=changes.CHANGE_KINDS
    )


@bp.route("/household/changes/<kind>", methods=["GET", "POST"])
@access(Rule.CITIZEN)
@accepts(form=CHANGE_FIELDS, query=("member",))
def household_change(kind: str) -> str | tuple[str, int] | Response:
    if kind not in changes.CHANGE_KINDS:
        abort(404)
    reader = _declarant()

    def submit(change: life.ChangeForm, _form: FlaskForm) -> Response:
        applied = life.declare_change(db.session, signed_in_person_id(), current_actor(), change)
        flash("change_recorded", "success")
        return redirect(url_for("citizen.household_version", number=applied.version_number))

    return change_page(
        kind,
        reader.household,
        submit,
        key_kind=f"change:{reader.household.id}:{kind}",
        back_url=url_for("citizen.household_changes"),
        context={"reader": reader},
    )


@bp.post("/household/confirm")
@access(Rule.CITIZEN)
def household_confirm() -> Response:
    try:
        life.confirm_data(db.session, signed_in_person_id(), current_actor())
    except DomainError:
        abort(403)
    flash("data_confirmed", "success")
    return redirect(url_for("citizen.me"))


@bp.route("/household/deregister", methods=["GET", "POST"])
@access(Rule.CITIZEN)
@accepts(form=("understood", "code"))
def household_deregister() -> str | tuple[str, int] | Response:
    """The declarant asks; at a counter, the citizen reads out a fresh code too."""
    reader, form = _declarant(), DeregisterForm()
    if request.method == "GET":
        return _deregister_page(reader, form)
    try:
        household = life.deregister(db.session, signed_in_person_id(), current_actor(),
                                    understood=ticked("understood"), consent=_code_read_out())  # fmt: skip
    except Invalid as invalid:
        status = show_invalid(form, invalid)
        return _deregister_page(reader, form, page_has_errors=True), status
    except counter.CodeRefused as refused:
        form.code.errors = [refusal_text(refused.code)]
        return _deregister_page(reader, form, page_has_errors=True), 200
    issue_deregistration_certificate(household.id)
    return render_template("citizen/household/deregistered.html", household=household)


def _code_read_out() -> life.CodeReadOut | None:
    """At a counter, the code the citizen reads out; online, none."""
    if acting_for() is None:
        return None
    return life.CodeReadOut(answer("code"), current_app.config["SECRET_KEY"])


def _deregister_page(reader: life.Reader, form: DeregisterForm, **page: object) -> str:
    eligibility = eligibility_of(reader.household, current_score(db.session, reader.household))
    return render_template(
        "citizen/household/deregister.html",
        reader=reader,
        form=form,
        eligibility=eligibility,
        **page,
    )
