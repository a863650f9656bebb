"""The pages that change a registered household's data, one kind of change each.

The declarant uses them online; a reviewer uses the very same forms and
checks to correct data during a review (and a counter agent, for a
citizen, at the counter). What differs is who may open the page, what
sending it does (``submit``), and where "back" leads.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.domain import changes, validation
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Household, HouseholdVersion, Person
from app.services import household_life as life
from app.web.messages import refusal_text
from app.web.questionnaire_forms import (
    ChangeMemberForm,
    EquipmentForm,
    HousingForm,
    MemberDetailsForm,
    ResidenceForm,
    SpendingForm,
    apply_problems,
    form_values,
)

SECTION_CHANGES: dict[str, tuple[type[FlaskForm], str, tuple[str, ...]]] = {
    # kind: (form, declaration section, fields)
    "residence": (ResidenceForm, "residence", validation.RESIDENCE_FIELDS),
    "housing": (HousingForm, "housing", validation.HOUSING_FIELDS),
    "equipment": (EquipmentForm, "assets", ()),
    "spending": (SpendingForm, "spending", tuple(validation.SPENDING_LIMITS)),
}
MEMBER_FIELDS = ("idcs", "birth_date", *validation.MEMBER_FIELDS)
TEMPLATE = "citizen/household/change.html"

# What sending does: apply the change (or propose it) and say where to go next.
Submit = Callable[[life.ChangeForm, FlaskForm], Response]


def people_of(*declarations: dict[str, Any]) -> dict[str, Person]:
    idcs = {m["idcs"] for d in declarations for m in d["members"]}
    return {
        p.idcs: p for p in db.session.scalars(select(Person).where(Person.idcs.in_(idcs))) if p.idcs
    }


def _raw(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _with(form_class: type[FlaskForm], extra: type[FlaskForm] | None) -> type[FlaskForm]:
    if extra is None:
        return form_class
    return type(f"{form_class.__name__}With{extra.__name__}", (form_class, extra), {})


def _change_form(
    kind: str, declaration: dict[str, Any], milieu: str | None, extra: type[FlaskForm] | None
) -> tuple[FlaskForm, dict[str, Any]]:
    """The form for one kind of change, filled with the current answers on GET."""
    get = request.method == "GET"
    if kind in SECTION_CHANGES:
        form_class, section, fields = SECTION_CHANGES[kind]
        raw = {k: _raw(v) for k, v in declaration[section].items()}
        if not get:
            raw = form_values(request.form, fields or validation.equipment_fields(milieu))
        kwargs: dict[str, Any] = {"data": raw} if get else {}
        if kind == "residence":
            kwargs["region"] = raw.get("region")
        return _with(form_class, extra)(**kwargs), raw
    if kind == "phone":
        raw = (
            {"phone": declaration["residence"]["phone"]}
            if get
            else form_values(request.form, ("phone",))
        )
        cls = _with(ResidenceForm, extra)
        return cls(data=raw) if get else cls(), raw
    if kind in ("birth", "member_joined"):
        raw = (
            {"relation": "child"}
            if (get and kind == "birth")
            else form_values(request.form, MEMBER_FIELDS)
        )
        cls = _with(ChangeMemberForm, extra)
        return cls(data=raw) if get else cls(), raw
    raw = (
        form_values(request.form, ("member", "reason", *validation.MEMBER_FIELDS))
        if not get
        else {}
    )
    if get and kind == "member_situation" and request.args.get("member", "").isdigit():
        index = int(request.args["member"])
        members = declaration["members"]
        if 0 <= index < len(members):
            raw = {k: _raw(v) for k, v in members[index].items()}
            raw["member"] = str(index)
    cls = _with(MemberDetailsForm, extra)
    return cls(data=raw) if get else cls(), raw


def _partial(kind: str) -> str:
    if kind in SECTION_CHANGES:
        return f"citizen/register/_{kind}_form.html"
    return "citizen/household/_change_fields.html"


def _check_only(kind: str, raw: dict[str, str], milieu: str | None) -> validation.Checked:
    if kind == "residence":
        return validation.check_residence(raw)
    if kind == "housing":
        return validation.check_housing(raw)
    if kind == "equipment":
        return validation.check_equipment(raw, milieu=milieu)
    if kind == "spending":
        return validation.check_spending(raw)
    # Member changes are checked when sent: the member's age comes from the RNP.
    return validation.Checked()


def change_page(
    kind: str,
    household: Household,
    submit: Submit,
    *,
    back_url: str,
    extra_form: type[FlaskForm] | None = None,
    context: dict[str, Any] | None = None,
) -> str | tuple[str, int] | Response:
    """GET: the form with the current answers. POST from htmx: the answers
    checked as typed. POST: ``submit``, with conflicts and refusals shown on
    the same page, nothing typed lost."""
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
        "submission_key": secrets.token_urlsafe(32),
        "back_url": back_url,
        **(context or {}),
    }
    if request.method == "GET":
        return render_template(TEMPLATE, **page)

    inline = bool(request.headers.get("HX-Request")) and "continue" not in request.form
    if inline:
        # Checked as typed, with the same rules; nothing is applied.
        checked = _check_only(kind, raw, milieu)
        apply_problems(form, checked.problems, only={k for k, v in raw.items() if v.strip()})
        return render_template(_partial(kind), **page)

    base = int(request.form.get("base_version", "0") or 0)
    change = life.ChangeForm(kind, base, request.form.get("submission_key", ""), raw)
    page["submission_key"] = change.submission_key or page["submission_key"]
    try:
        return submit(change, form)
    except life.HouseholdChanged:
        # Keep what they typed; show what changed meanwhile; let them send again.
        db.session.rollback()
        latest = life.current_version(db.session, household)
        base_version = db.session.scalar(
            select(HouseholdVersion).where(
                HouseholdVersion.household_id == household.id, HouseholdVersion.number == base
            )
        )
        page.update(
            conflict=changes.compare(base_version.declaration, latest.declaration)
            if base_version
            else [],
            conflict_by=latest,
            base_version=household.version_number,
            submission_key=secrets.token_urlsafe(32),
            people=people_of(
                latest.declaration, *([base_version.declaration] if base_version else [])
            ),
            page_has_errors=True,
        )
        return render_template(TEMPLATE, **page), 409
    except DomainError as error:
        if error.code == "invalid":
            apply_problems(form, error.details["problems"])  # type: ignore[arg-type]
            return render_template(TEMPLATE, page_has_errors=True, **page), 200
        page.update(refusal=refusal_text(error.code), page_has_errors=True)
        return render_template(TEMPLATE, **page), 429 if error.code == "too_many_lookups" else 409
