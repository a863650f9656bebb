"""The counter desk: find a citizen by card, obtain consent, act for them, end.

The citizen being served is kept in the agent's server-side session, never
in a URL: an ID number must not end up in logs or browser history.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from app.domain.errors import DomainError, Invalid, NotFound
from app.domain.identity_check import IdentityCheck
from app.extensions import db
from app.models import Person
from app.services import counter
from app.services.actors import Actor
from app.web.access import (
    ASSISTED_SESSION_KEY,
    Rule,
    access,
    acting_for,
    current_actor,
    current_staff_actor,
)
from app.web.counter import bp
from app.web.counter.forms import CodeForm, IdentityCheckForm, SearchForm
from app.web.input_boundary import accepts, answers
from app.web.messages import refusal_text
from app.web.questionnaire_forms import show_invalid

CHANNEL = "counter"
# In the order of IdentityCheck's fields.
IDENTITY_CHECK_FIELDS = ("cnie", "expires_on", "reason", "note")
CANDIDATE_KEY = "counter_person_id"


def _agent() -> Actor:
    return current_staff_actor(CHANNEL)


def _candidate() -> Person:
    """The citizen found by the last search, kept server-side."""
    person_id = session.get(CANDIDATE_KEY)
    person = db.session.get(Person, person_id) if person_id else None
    if person is None:
        abort(404)
    return person


def _start(assisted_id: int) -> Response:
    session[ASSISTED_SESSION_KEY] = assisted_id
    session.pop(CANDIDATE_KEY, None)
    flash("assisted_session_opened", "success")
    return redirect(url_for("citizen.me"))


@bp.route("", methods=["GET", "POST"])
@access(Rule.COUNTER_AGENT)
@accepts(form=("id_type", "number"))
def home() -> str | tuple[str, int] | Response:
    """Find the citizen by the exact number on their card."""
    form = SearchForm()
    if not form.is_submitted():
        return render_template("counter/home.html", form=form)
    try:
        sent = answers("id_type", "number")
        found = counter.find_citizen(db.session, _agent(), sent.get("id_type") or "cnie",
                                     sent.get("number", ""))  # fmt: skip
    except Invalid as invalid:
        status = show_invalid(form, invalid)
        return render_template("counter/home.html", form=form, page_has_errors=True), status
    except NotFound:
        form.number.errors = [refusal_text("citizen_not_found")]
        return render_template("counter/home.html", form=form, page_has_errors=True), 404
    except DomainError as error:
        return render_template("counter/home.html", form=form,
                               refusal=refusal_text(error.code), page_has_errors=True), 429  # fmt: skip
    session[CANDIDATE_KEY] = found.person.id
    return redirect(url_for("counter.citizen"))


@bp.get("/citizen")
@access(Rule.COUNTER_AGENT)
def citizen() -> str:
    person = _candidate()
    found = counter.describe(db.session, person)
    return render_template("counter/citizen.html", found=found, code_form=CodeForm())


@bp.post("/citizen/code/send")
@access(Rule.COUNTER_AGENT)
def send_code() -> Response | tuple[str, int]:
    person = _candidate()
    try:
        counter.send_code(
            db.session, _agent(), person.id, "session", current_app.config["SECRET_KEY"]
        )
    except DomainError as error:
        found = counter.describe(db.session, person)
        page = render_template("counter/citizen.html", found=found, code_form=CodeForm(),
                               refusal=refusal_text(error.code))  # fmt: skip
        return page, 409
    flash("code_sent", "success")
    return redirect(url_for("counter.enter_code"))


@bp.route("/citizen/code", methods=["GET", "POST"])
@access(Rule.COUNTER_AGENT)
@accepts(form=("code",))
def enter_code() -> str | tuple[str, int] | Response:
    """The code the citizen reads out: the session opens."""
    person, form = _candidate(), CodeForm()
    if not form.is_submitted():
        return _code_page(form, person)
    try:
        assisted = counter.open_with_code(db.session, _agent(), person.id,
                                          answers("code").get("code", ""),
                                          current_app.config["SECRET_KEY"],
                                          current_app.config["ASSISTED_SESSION_MINUTES"])  # fmt: skip
    except Invalid as invalid:
        status = show_invalid(form, invalid)
    except DomainError as error:
        form.code.errors = [refusal_text(error.code)]
        status = 429 if error.code == "consent_locked" else 200
    else:
        return _start(assisted.id)
    return _code_page(form, person, page_has_errors=True), status


def _code_page(form: CodeForm, person: Person, **page: Any) -> str:
    return render_template("counter/code.html", form=form, person=person,
                           code_digits=counter.CODE_DIGITS,
                           code_minutes=counter.CODE_LIFETIME_MINUTES,
                           **page)  # fmt: skip


@bp.route("/citizen/identity-check", methods=["GET", "POST"])
@access(Rule.COUNTER_AGENT)
@accepts(form=IDENTITY_CHECK_FIELDS)
def identity_check() -> str | tuple[str, int] | Response:
    person = _candidate()
    form = IdentityCheckForm()
    if not form.is_submitted():
        return render_template("counter/identity_check.html", form=form, person=person)
    try:
        sent = answers(*IDENTITY_CHECK_FIELDS)
        check = IdentityCheck(*(sent.get(name, "") for name in IDENTITY_CHECK_FIELDS))
        assisted = counter.open_with_identity_check(db.session, _agent(), person.id, check,
                                                    current_app.config["ASSISTED_SESSION_MINUTES"])  # fmt: skip
    except Invalid as invalid:
        status = show_invalid(form, invalid)
        return render_template("counter/identity_check.html", form=form, person=person,
                               page_has_errors=True), status  # fmt: skip
    except DomainError as error:
        return render_template("counter/identity_check.html", form=form, person=person,
                               refusal=refusal_text(error.code), page_has_errors=True), 409  # fmt: skip
    return _start(assisted.id)


@bp.post("/session/end")
@access(Rule.COUNTER_AGENT)
def session_end() -> Response:
    acting = acting_for()
    if acting is not None:
        counter.end_session(db.session, _agent(), acting.session.id)
    session.pop(ASSISTED_SESSION_KEY, None)
    flash("assisted_session_ended", "success")
    return redirect(url_for("counter.home"))


@bp.post("/session/deregistration-code")
@access(Rule.COUNTER_AGENT)
def deregistration_code() -> Response:
    """Deregistering for a citizen needs a fresh code, sent to their phone now."""
    acting = acting_for()
    if acting is None:
        abort(403)
    try:
        counter.send_code(db.session, current_actor(), acting.citizen.id, "deregistration",
                          current_app.config["SECRET_KEY"])  # fmt: skip
    except DomainError as error:
        flash(error.code, "error")
        return redirect(url_for("citizen.household_deregister"))
    flash("code_sent", "success")
    return redirect(url_for("citizen.household_deregister"))
