"""The pages that change a registered household's data, one kind of change each.

The declarant uses them online; a reviewer uses the very same forms and
checks to correct data during a review (and a counter agent, for a
citizen, at the counter). What differs is who may open the page, what
sending it does (``submit``), and where "back" leads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, render_template, request
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.domain import changes, validation
from app.domain.errors import DomainError, Invalid, Problem
from app.domain.input_rules import DATABASE_INT_MAX
from app.domain.sections import SECTIONS
from app.extensions import db
from app.models import Household, Person
from app.services import household_life as life
from app.services.households import members_of
from app.web.input_boundary import (
    InputRefused,
    answers,
    fields_shown_in_error,
    is_htmx,
    new_submission_key,
    pressed,
    query_number,
    refusal_status,
    shown_answers,
    submission_key,
    whole_number,
)
from app.web.messages import refusal_text
from app.web.questionnaire_forms import CHANGE_FORMS, apply_problems

# What a change form sends besides its answers: the version it was built
# from, its single-use key, and the button.
LOCK_FIELDS = ("base_version", "submission_key", "continue")
# Every field of every kind of change: what the pages declare they read.
CHANGE_FIELDS = (*changes.EVERY_ANSWER, *LOCK_FIELDS)
TEMPLATE = "citizen/household/change.html"

# What sending does: apply the change (or propose it) and say where to go next.
Submit = Callable[[life.ChangeForm, FlaskForm], Response]


def people_of(*declarations: dict[str, Any]) -> dict[str, Person]:
    """The members of these declarations, by IDCS: pages show their names."""
    return members_of(db.session, *declarations)


def _raw(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _with(form_class: type[FlaskForm], extra: type[FlaskForm] | None) -> type[FlaskForm]:
    if extra is None:
        return form_class
    return type(f"{form_class.__name__}With{extra.__name__}", (form_class, extra), {})


def _member_position(raw: dict[str, str], declaration: dict[str, Any]) -> None:
    """Keep ``member`` only if it is the position of a member of this version:
    the page shows that member's answers."""
    position = whole_number(raw.get("member", ""), 0, len(declaration["members"]) - 1)
    if position is None:
        raw.pop("member", None)
    else:
        raw["member"] = str(position)


def _change_form(
    kind: str, declaration: dict[str, Any], milieu: str | None, extra: type[FlaskForm] | None
) -> tuple[FlaskForm, dict[str, Any]]:
    """The form for one kind of change: the current answers on GET, those sent on POST."""
    form_class = _with(CHANGE_FORMS[kind], extra)
    if request.method != "GET":
        raw: dict[str, Any] = shown_answers(*changes.answers_asked(kind, milieu))
        if "member" in raw:
            _member_position(raw, declaration)
        return form_class(**_region_of(kind, raw)), raw
    raw = _current_answers(kind, declaration)
    return form_class(data=raw, **_region_of(kind, raw)), raw


def _region_of(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The residence form lists the provinces of the region chosen."""
    return {"region": raw.get("region")} if kind == "residence" else {}


def _current_answers(kind: str, declaration: dict[str, Any]) -> dict[str, Any]:
    """What the form shows before anything is typed: the answers the version holds."""
    if kind in SECTIONS:
        return {k: _raw(v) for k, v in declaration[SECTIONS[kind].stored_as].items()}
    if kind == "phone":
        return {"phone": declaration["residence"]["phone"]}
    if kind == "birth":
        return {"relation": "child"}
    if kind != "member_situation":
        return {}
    position = query_number("member", 0, DATABASE_INT_MAX)
    if position is None:
        return {}
    if position >= len(declaration["members"]):
        abort(404)
    return {
        **{k: _raw(v) for k, v in declaration["members"][position].items()},
        "member": str(position),
    }


def _partial(kind: str) -> str:
    if kind in SECTIONS:
        return f"citizen/register/_{kind}_form.html"
    return "citizen/household/_change_fields.html"


def _check_only(kind: str, raw: dict[str, str], milieu: str | None) -> validation.Checked:
    if kind in SECTIONS:
        return SECTIONS[kind].check(raw, milieu)
    # Member changes are checked when sent: the member's age comes from the RNP.
    return validation.Checked()


def change_page(
    kind: str,
    household: Household,
    submit: Submit,
    *,
    key_kind: str,
    back_url: str,
    extra_form: type[FlaskForm] | None = None,
    context: dict[str, Any] | None = None,
) -> str | tuple[str, int] | Response:
    """GET: the form with the current answers. POST from htmx: the answers
    checked as typed. POST: ``submit``, with conflicts and refusals shown on
    the same page, nothing typed lost.

    ``key_kind`` names the form its submission keys are bound to."""
    current = life.current_version(db.session, household)
    declaration = current.declaration
    milieu = declaration["residence"].get("milieu")
    form, raw = _change_form(kind, declaration, milieu, extra_form)
    page: dict[str, Any] = {
        "kind": kind,
        "form": form,
        "raw": raw,
        "declaration": declaration,
        "people": people_of(declaration),
        "view": {"milieu": milieu},
        "base_version": household.version_number,
        "submission_key": new_submission_key(key_kind),
        "back_url": back_url,
        **(context or {}),
    }
    if request.method == "GET":
        return render_template(TEMPLATE, **page)
    if is_htmx() and not pressed("continue"):
        return _checked_as_typed(kind, milieu, form, page)
    try:
        change = _change_sent(kind, milieu, key_kind)
    except InputRefused as refused:
        # Shown again with a new key and the current version: sent again, it counts once.
        apply_problems(form, refused.problems)
        return render_template(TEMPLATE, page_has_errors=True, **page), refusal_status()
    page["submission_key"] = change.submission_key
    return _submitted(change, submit, form, household, page, key_kind)


def _checked_as_typed(
    kind: str, milieu: str | None, form: FlaskForm, page: dict[str, Any]
) -> str | tuple[str, int]:
    """A live check: the answers checked with the same rules; nothing is applied."""
    try:
        typed = answers(*changes.answers_asked(kind, milieu))
    except InputRefused as refused:
        apply_problems(form, refused.problems)
        return render_template(_partial(kind), page_has_errors=True, **page), refusal_status()
    checked = _check_only(kind, typed, milieu)
    touched = {k for k, v in typed.items() if v.strip()} | fields_shown_in_error()
    apply_problems(form, checked.problems, only=touched)
    return render_template(_partial(kind), **page)


def _change_sent(kind: str, milieu: str | None, key_kind: str) -> life.ChangeForm:
    """The change as sent: its answers, the version it was built from, its key."""
    typed = answers(*changes.answers_asked(kind, milieu))
    base = whole_number(answers("base_version").get("base_version", ""), 1, DATABASE_INT_MAX)
    if base is None:
        raise InputRefused({"base_version": Problem("form_not_as_given")})
    return life.ChangeForm(kind, base, submission_key(key_kind), typed)


def _submitted(
    change: life.ChangeForm,
    submit: Submit,
    form: FlaskForm,
    household: Household,
    page: dict[str, Any],
    key_kind: str,
) -> str | tuple[str, int] | Response:
    """``submit``'s answer; a conflict or a refusal shown on the same page, nothing typed lost."""
    try:
        return submit(change, form)
    except life.HouseholdChanged:
        # Keep what they typed; show what changed meanwhile; let them send again.
        db.session.rollback()
        conflict = life.conflict_since(db.session, household, change.base_version)
        page.update(
            conflict=conflict.differences,
            conflict_by=conflict.latest,
            base_version=household.version_number,
            submission_key=new_submission_key(key_kind),
            people=people_of(*conflict.declarations),
            page_has_errors=True,
        )
        return render_template(TEMPLATE, **page), 409
    except Invalid as invalid:
        apply_problems(form, invalid.problems)
        return render_template(TEMPLATE, page_has_errors=True, **page), 200
    except DomainError as error:
        page.update(refusal=refusal_text(error.code), page_has_errors=True)
        return render_template(TEMPLATE, **page), 429 if error.code == "too_many_lookups" else 409
