"""The household's data and its history; declaring changes; confirming; deregistering.

Adult members read; only the declarant changes anything (the services
check it, the pages only hide what cannot be used). Every change form
carries the version it was based on and a single-use key.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.domain import changes, validation
from app.domain.errors import DomainError
from app.extensions import db
from app.models import HouseholdVersion, Person, Score
from app.services import household_life as life
from app.services.scoring import eligibility_of
from app.web.access import Rule, access, current_actor, signed_in_person_id
from app.web.citizen import bp
from app.web.citizen.register_forms import (
    ChangeMemberForm,
    DeregisterForm,
    EquipmentForm,
    HousingForm,
    MemberDetailsForm,
    ResidenceForm,
    SpendingForm,
    apply_problems,
    form_values,
)
from app.web.messages import refusal_text

SECTION_CHANGES: dict[str, tuple[type[FlaskForm], str, tuple[str, ...]]] = {
    # kind: (form, declaration section, fields)
    "residence": (ResidenceForm, "residence", validation.RESIDENCE_FIELDS),
    "housing": (HousingForm, "housing", validation.HOUSING_FIELDS),
    "equipment": (EquipmentForm, "assets", ()),
    "spending": (SpendingForm, "spending", tuple(validation.SPENDING_LIMITS)),
}
MEMBER_FIELDS = ("idcs", "birth_date", *validation.MEMBER_FIELDS)


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


def _people(*declarations: dict[str, Any]) -> dict[str, Person]:
    idcs = {m["idcs"] for d in declarations for m in d["members"]}
    return {
        p.idcs: p for p in db.session.scalars(select(Person).where(Person.idcs.in_(idcs))) if p.idcs
    }


def _version_scores(household_id: int) -> dict[int, Score]:
    """The latest score of each version of the household."""
    rows = db.session.execute(
        select(HouseholdVersion.number, Score)
        .join(Score, Score.household_version_id == HouseholdVersion.id)
        .where(HouseholdVersion.household_id == household_id)
        .order_by(Score.id)
    )
    return {number: score for number, score in rows}


@bp.get("/household")
@access(Rule.CITIZEN)
def household() -> str:
    reader = _reader()
    versions = list(
        db.session.scalars(
            select(HouseholdVersion)
            .where(HouseholdVersion.household_id == reader.household.id)
            .order_by(HouseholdVersion.number.desc())
        )
    )
    current = versions[0]
    return render_template(
        "citizen/household/index.html",
        reader=reader,
        versions=versions,
        current=current,
        people=_people(current.declaration),
        scores=_version_scores(reader.household.id),
        due=life.confirmation_due(reader.household, current.created_at),
    )


@bp.get("/household/versions/<int:number>")
@access(Rule.CITIZEN)
def household_version(number: int) -> str:
    """One version compared with the one before it, and what it did to the score."""
    reader = _reader()
    rows = {
        v.number: v
        for v in db.session.scalars(
            select(HouseholdVersion).where(
                HouseholdVersion.household_id == reader.household.id,
                HouseholdVersion.number.in_([number - 1, number]),
            )
        )
    }
    version = rows.get(number)
    if version is None:
        abort(404)
    previous = rows.get(number - 1)
    scores = _version_scores(reader.household.id)
    return render_template(
        "citizen/household/version.html",
        reader=reader,
        version=version,
        previous=previous,
        differences=changes.compare(previous.declaration, version.declaration) if previous else [],
        people=_people(version.declaration, *([previous.declaration] if previous else [])),
        before=scores.get(number - 1),
        after=scores.get(number),
        eligibility_of=lambda score: eligibility_of(reader.household, score),
    )


@bp.get("/household/changes/new")
@access(Rule.CITIZEN)
def household_changes() -> str:
    reader = _declarant()
    return render_template(
        "citizen/household/changes.html", reader=reader, kinds=changes.CHANGE_KINDS
    )


def _change_form(
    kind: str, declaration: dict[str, Any], milieu: str | None
) -> tuple[FlaskForm, dict[str, Any]]:
    """The form for one kind of change, filled with the current answers on GET."""
    get = request.method == "GET"
    if kind in SECTION_CHANGES:
        form_class, section, _fields = SECTION_CHANGES[kind]
        raw = {k: _raw(v) for k, v in declaration[section].items()}
        if not get:
            raw = form_values(request.form, _fields or validation.equipment_fields(milieu))
        kwargs: dict[str, Any] = {"data": raw} if get else {}
        if kind == "residence":
            kwargs["region"] = raw.get("region")
        return form_class(**kwargs), raw
    if kind == "phone":
        raw = (
            {"phone": declaration["residence"]["phone"]}
            if get
            else form_values(request.form, ("phone",))
        )
        return ResidenceForm(data=raw) if get else ResidenceForm(), raw
    if kind in ("birth", "member_joined"):
        raw = (
            {"relation": "child"}
            if (get and kind == "birth")
            else form_values(request.form, MEMBER_FIELDS)
        )
        return ChangeMemberForm(data=raw) if get else ChangeMemberForm(), raw
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
    return MemberDetailsForm(data=raw) if get else MemberDetailsForm(), raw


def _raw(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


@bp.route("/household/changes/<kind>", methods=["GET", "POST"])
@access(Rule.CITIZEN)
def household_change(kind: str) -> str | tuple[str, int] | Response:
    if kind not in changes.CHANGE_KINDS:
        abort(404)
    reader = _declarant()
    household = reader.household
    current = life.current_version(db.session, household)
    declaration = current.declaration
    milieu = declaration["residence"].get("milieu")
    form, raw = _change_form(kind, declaration, milieu)
    context: dict[str, Any] = {
        "kind": kind,
        "form": form,
        "raw": raw,
        "reader": reader,
        "declaration": declaration,
        "people": _people(declaration),
        "view": {"milieu": milieu},
        "base_version": household.version_number,
        "submission_key": secrets.token_urlsafe(32),
    }
    if request.method == "GET":
        return render_template("citizen/household/change.html", **context)

    inline = bool(request.headers.get("HX-Request")) and "continue" not in request.form
    if inline:
        # Checked as typed, with the same rules; nothing is applied.
        checked = _check_only(kind, raw, milieu)
        apply_problems(form, checked.problems, only={k for k, v in raw.items() if v.strip()})
        return render_template(_partial(kind), **context)

    base = int(request.form.get("base_version", "0") or 0)
    change = life.ChangeForm(kind, base, request.form.get("submission_key", ""), raw)
    context["submission_key"] = change.submission_key or context["submission_key"]
    try:
        applied = life.declare_change(db.session, signed_in_person_id(), current_actor(), change)
    except life.HouseholdChanged:
        # Keep what they typed; show what changed meanwhile; let them send again.
        latest = life.current_version(db.session, household)
        base_version = db.session.scalar(
            select(HouseholdVersion).where(
                HouseholdVersion.household_id == household.id, HouseholdVersion.number == base
            )
        )
        context.update(
            conflict=changes.compare(base_version.declaration, latest.declaration)
            if base_version
            else [],
            conflict_by=latest,
            base_version=household.version_number,
            submission_key=secrets.token_urlsafe(32),
            people=_people(
                latest.declaration, *([base_version.declaration] if base_version else [])
            ),
            page_has_errors=True,
        )
        return render_template("citizen/household/change.html", **context), 409
    except DomainError as error:
        if error.code == "invalid":
            apply_problems(form, error.details["problems"])  # type: ignore[arg-type]
            return render_template(
                "citizen/household/change.html", page_has_errors=True, **context
            ), 200
        context.update(refusal=refusal_text(error.code), page_has_errors=True)
        return render_template("citizen/household/change.html", **context), 409
    flash("change_recorded", "success")
    return redirect(url_for("citizen.household_version", number=applied.version_number))


def _partial(kind: str) -> str:
    if kind in ("residence", "housing", "equipment", "spending"):
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
def household_deregister() -> str | tuple[str, int] | Response:
    reader = _declarant()
    from app.services.scoring import current_score

    score = current_score(db.session, reader.household)
    eligibility = eligibility_of(reader.household, score)
    form = DeregisterForm()
    if request.method == "POST":
        if not form.understood.data:
            form.understood.errors = [_("Confirm that you understand what deregistration means")]
            return render_template("citizen/household/deregister.html", reader=reader, form=form,
                                   eligibility=eligibility, page_has_errors=True)  # fmt: skip
        household = life.deregister(db.session, signed_in_person_id(), current_actor())
        return render_template("citizen/household/deregistered.html", household=household)
    return render_template(
        "citizen/household/deregister.html", reader=reader, form=form, eligibility=eligibility
    )
