"""Registering a household: task list, sections, check your answers, confirmation.

Each page works with plain form posts; htmx only makes it smoother (inline
checks on change, members added and removed in place). Routes parse the
form, call one service, map its problems to messages, and render.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app import clock
from app.domain import validation
from app.domain.errors import DomainError, Invalid
from app.domain.sections import SECTIONS
from app.domain.validation import Checked
from app.extensions import db
from app.i18n import current_language
from app.models import Person
from app.services import registration as service
from app.services import registration_submit as submission
from app.services.scoring import current_score, eligibility_of
from app.web.access import Rule, access, current_actor, signed_in_person_id
from app.web.citizen import bp
from app.web.input_boundary import (
    InputRefused,
    accepts,
    answers,
    changed_field,
    fields_shown_in_error,
    is_htmx,
    pressed,
    query,
    refusal_status,
    shown_answers,
    ticked,
)
from app.web.messages import refusal_text
from app.web.questionnaire_forms import (
    SECTION_FORMS,
    DeclarationForm,
    MemberAddForm,
    MemberDetailsForm,
    MemberLookupForm,
    apply_problems,
    show_invalid,
)

# What any section's page may send: one route serves the four.
EVERY_SECTION_FIELD = tuple(dict.fromkeys(f for s in SECTIONS.values() for f in s.every_field))


def _retention() -> timedelta:
    return timedelta(days=current_app.config["DRAFT_RETENTION_DAYS"])


def _blocked(code: str) -> tuple[str, int]:
    person = db.session.get(Person, signed_in_person_id())
    return render_template(
        "citizen/register/blocked.html", code=code, person=person, message=refusal_text(code)
    ), 200


def _draft_view() -> service.DraftView | None:
    draft = service.find_draft(db.session, signed_in_person_id())
    return service.view_draft(db.session, draft) if draft else None


def _existing_draft_view() -> service.DraftView:
    """For the forms inside a draft: without one (expired, never started), a refusal page."""
    view = _draft_view()
    if view is None:
        raise DomainError("no_draft")
    return view


def _inline() -> bool:
    """An htmx request that checks answers as they are typed (not the final "Continue")."""
    return is_htmx() and not pressed("continue")


def _touched(raw: dict[str, str]) -> set[str]:
    """Fields to show problems for while typing: those answered, the one just
    changed, and those whose problem the page already shows."""
    touched = {name for name, value in raw.items() if value.strip()} | fields_shown_in_error()
    trigger = changed_field()
    if trigger:
        touched.add(trigger)
    return touched


def _saved_or_refused(
    fields: tuple[str, ...], save: Callable[[dict[str, str]], Checked]
) -> tuple[dict[str, str], Checked, int]:
    """The answers, their check once saved, and the status of the page showing
    them. A form the boundary refused is shown again, and nothing is saved."""
    try:
        raw = answers(*fields)
    except InputRefused as refused:
        return shown_answers(*fields), Checked(problems=refused.problems), refusal_status()
    return raw, save(raw), 200


@bp.get("/household/register")
@access(Rule.CITIZEN)
def register() -> str | tuple[str, int] | Response:
    """The task list. Starts a draft, or resumes the one saved."""
    try:
        draft = service.start_or_resume(
            db.session, signed_in_person_id(), current_actor(), _retention()
        )
    except DomainError as error:
        if error.code == "already_registered":
            return redirect(url_for("citizen.me"))
        return _blocked(error.code)
    view = service.view_draft(db.session, draft)
    return render_template(
        "citizen/register/task_list.html", view=view, tasks=service.TASKS, task_url=task_url
    )


@bp.route("/household/register/<questionnaire_section:section>", methods=["GET", "POST"])
@access(Rule.CITIZEN)
@accepts(form=(*EVERY_SECTION_FIELD, "continue"), query=("return",))
def register_section(section: str) -> str | tuple[str, int] | Response:
    """Where you live, your home, equipment and animals, monthly spending."""
    view = _draft_view()
    if view is None:
        return redirect(url_for("citizen.register"))
    if request.method == "GET":
        raw = view.raw(section)
        form = _section_form(section, raw)
        return render_template(f"citizen/register/{section}.html", form=form, view=view, raw=raw)
    return _section_sent(section, view)


@dataclass(frozen=True)
class QuestionPage:
    """A page of the questionnaire inside the draft (a section, or one member's
    details): the whole page, the fragment a live check replaces, what both
    show besides the form, and how its answers are saved."""

    template: str
    fragment: str
    context: dict[str, Any]
    fields: tuple[str, ...]
    save: Callable[[dict[str, str]], Checked]
    make_form: Callable[[dict[str, Any]], FlaskForm]
    next_step: Callable[[], service.NextStep]


def _answers_sent(page: QuestionPage) -> str | tuple[str, int] | Response:
    """Saved as typed, valid or not. A live check shows the problems of what was
    touched; "Continue" goes on when all is valid, else shows every problem."""
    raw, checked, status = _saved_or_refused(page.fields, page.save)
    form = page.make_form(raw)
    if _inline():
        apply_problems(form, checked.problems, only=_touched(raw))
        return render_template(page.fragment, form=form, raw=raw, **page.context), status
    if checked.valid:
        return redirect(_after(page.next_step()))
    apply_problems(form, checked.problems)
    return render_template(
        page.template, form=form, raw=raw, page_has_errors=True, **page.context
    ), status


def _section_sent(section: str, view: service.DraftView) -> str | tuple[str, int] | Response:
    return _answers_sent(
        QuestionPage(
            template=f"citizen/register/{section}.html",
            fragment=f"citizen/register/_{section}_form.html",
            context={"view": view},
            fields=SECTIONS[section].fields(view.milieu),
            save=lambda raw: service.save_section(
                db.session, signed_in_person_id(), section, raw, _retention()
            ),
            make_form=lambda raw: _section_form(section, raw),
            next_step=lambda: service.step_after(view, section),
        )
    )


def _section_form(section: str, raw: dict[str, Any]) -> FlaskForm:
    kwargs: dict[str, Any] = {"data": raw} if request.method == "GET" else {}
    if section == "residence":
        kwargs["region"] = raw.get("region")
    return SECTION_FORMS[section](**kwargs)


def task_url(task: str | None, **args: Any) -> str:
    """The page of a task of ``service.TASKS``; the task list for None."""
    if task in SECTIONS:
        return url_for("citizen.register_section", section=task, **args)
    endpoints = {
        "members": "citizen.register_members",
        "member_details": "citizen.register_details",
    }
    return url_for(endpoints[task], **args) if task else url_for("citizen.register")


def _after(step: service.NextStep) -> str:
    """Back to "check your answers" when that is where the person came from."""
    if query("return") == "check":
        return url_for("citizen.register_check")
    if step.member_key:
        return url_for("citizen.register_member_details", key=step.member_key)
    return task_url(step.task)


# -- members -----------------------------------------------------------------------


def _members_page(
    view: service.DraftView,
    lookup: MemberLookupForm | None = None,
    add: MemberAddForm | None = None,
    refusal: str | None = None,
    status: int = 200,
    notice: str | None = None,
) -> tuple[str, int]:
    template = "citizen/register/_members.html" if is_htmx() else "citizen/register/members.html"
    lookup = lookup or MemberLookupForm(formdata=None)
    add = add or MemberAddForm(formdata=None)
    has_errors = bool(lookup.errors or add.errors or refusal)
    return (
        render_template(
            template,
            view=view,
            lookup=lookup,
            add=add,
            refusal=refusal,
            notice=notice,
            page_has_errors=has_errors,
        ),
        status,
    )


@bp.get("/household/register/members")
@access(Rule.CITIZEN)
def register_members() -> str | tuple[str, int] | Response:
    view = _draft_view()
    if view is None:
        return redirect(url_for("citizen.register"))
    return _members_page(view)


@bp.post("/household/register/members/lookup")
@access(Rule.CITIZEN)
@accepts(form=("idcs", "birth_date"))
def register_members_lookup() -> tuple[str, int] | Response:
    """Find a member in the RNP by IDCS and date of birth."""
    form = MemberLookupForm()
    try:
        raw = answers("idcs", "birth_date")
        outcome = service.lookup_member(db.session, signed_in_person_id(),
                                        current_actor().account_id or 0, raw, _retention())  # fmt: skip
    except InputRefused as refused:
        status = show_invalid(form, refused)
        return _members_page(_existing_draft_view(), lookup=form, status=status)
    except DomainError as error:
        return _members_refusal(error, lookup=form)
    apply_problems(form, outcome.checked.problems)
    view = _existing_draft_view()
    if outcome.found is not None:
        return _after_member_change(view, lookup=MemberLookupForm(formdata=None))
    return _members_page(view, lookup=form)


def _after_member_change(view: service.DraftView, **forms: Any) -> tuple[str, int] | Response:
    if is_htmx():
        return _members_page(view, **forms)
    return redirect(url_for("citizen.register_members"))


@bp.post("/household/register/members/add")
@access(Rule.CITIZEN)
@accepts(form=("relation", "cancel"))
def register_members_add() -> tuple[str, int] | Response:
    """The person found, with their relation to the declarant; or cancelled."""
    form = MemberAddForm()
    try:
        relation = answers("relation").get("relation", "")
        if pressed("cancel"):
            service.cancel_pending_member(db.session, signed_in_person_id(), _retention())
            return _after_member_change(_existing_draft_view())
        service.add_pending_member(db.session, signed_in_person_id(), relation, _retention())
    except Invalid as invalid:
        status = show_invalid(form, invalid)
        return _members_page(_existing_draft_view(), add=form, status=status)
    except DomainError as error:
        return _members_refusal(error)
    view = _existing_draft_view()
    added = view.members[-1].person.full_name(current_language())
    return _after_member_change(view, notice=_("%(name)s is added to the household.", name=added))


def _members_refusal(error: DomainError, **forms: Any) -> tuple[str, int]:
    """The members' page with what was refused; without a draft, the refusal page."""
    if error.code == "no_draft":
        raise error
    status = 429 if error.code == "too_many_lookups" else 200
    return _members_page(_existing_draft_view(), refusal=refusal_text(error.code), status=status,
                         **forms)  # fmt: skip


@bp.post("/household/register/members/<member_key:key>/remove")
@access(Rule.CITIZEN)
def register_members_remove(key: str) -> tuple[str, int] | Response:
    before = _draft_view()
    leaving = [m for m in before.members if m.key == key] if before else []
    # Already gone (a double click): the page below shows the list as it is.
    with suppress(DomainError):
        service.remove_member(db.session, signed_in_person_id(), key, _retention())
    view = _draft_view()
    if view is None:
        return redirect(url_for("citizen.register"))
    notice = None
    if leaving:
        name = leaving[0].person.full_name(current_language())
        notice = _("%(name)s is removed from the household.", name=name)
    return _after_member_change(view, notice=notice)


@bp.post("/household/register/members/done")
@access(Rule.CITIZEN)
def register_members_done() -> Response:
    service.confirm_members(db.session, signed_in_person_id(), _retention())
    return redirect(url_for("citizen.register_details"))


@bp.get("/household/register/details")
@access(Rule.CITIZEN)
def register_details() -> str | Response:
    view = _draft_view()
    if view is None:
        return redirect(url_for("citizen.register"))
    return render_template("citizen/register/details.html", view=view)


@bp.route("/household/register/details/<member_key:key>", methods=["GET", "POST"])
@access(Rule.CITIZEN)
@accepts(form=(*validation.MEMBER_FIELDS, "continue"), query=("return",))
def register_member_details(key: str) -> str | tuple[str, int] | Response:
    """One member's relation, marital status, education, activity, coverage."""
    view = _draft_view()
    member = view.find_member(key) if view else None
    if view is None or member is None:
        return redirect(url_for("citizen.register_details" if view else "citizen.register"))
    if request.method == "GET":
        form = MemberDetailsForm(data=member.details_raw)
        return render_template("citizen/register/member_details.html", form=form, member=member,
                               raw=member.details_raw)  # fmt: skip
    return _answers_sent(
        QuestionPage(
            template="citizen/register/member_details.html",
            fragment="citizen/register/_member_form.html",
            context={"member": member},
            fields=validation.MEMBER_FIELDS,
            save=lambda raw: service.save_member_details(
                db.session, signed_in_person_id(), key, raw, _retention()
            ),
            make_form=lambda _raw: MemberDetailsForm(),
            next_step=lambda: service.step_after(view, "member_details", key),
        )
    )


# -- check your answers, submit, confirmation -------------------------------------------


@bp.route("/household/register/check", methods=["GET", "POST"])
@access(Rule.CITIZEN)
@accepts(form=("submission_key", "honour", "consent"))
def register_check() -> str | tuple[str, int] | Response:
    """Check your answers, then declare on one's honour and consent."""
    form = DeclarationForm()
    if request.method == "POST":
        return _declare(form)
    view = _draft_view()
    if view is None or not view.ready:
        return redirect(url_for("citizen.register"))
    form.submission_key.data = view.draft.submission_key
    return _check_page(view, form)


def _declare(form: DeclarationForm) -> str | tuple[str, int] | Response:
    try:
        sent = answers("submission_key", "honour", "consent")
        submission.submit_registration(db.session, signed_in_person_id(),
                                    sent.get("submission_key", ""), honour=ticked("honour"),
                                    consent=ticked("consent"), actor=current_actor())  # fmt: skip
    except DomainError as error:
        view = _draft_view()
        if view is None:
            return redirect(url_for("citizen.register"))
        form.submission_key.data = view.draft.submission_key
        if isinstance(error, Invalid):
            status = show_invalid(form, error)
            return _check_page(view, form), status
        return _check_page(view, form, refusal=refusal_text(error.code)), 409
    return redirect(url_for("citizen.register_confirmation"))


def _check_page(view: service.DraftView, form: DeclarationForm, refusal: str | None = None) -> str:
    back: dict[str, Any] = {"return": "check"}
    return render_template(
        "citizen/register/check.html",
        view=view,
        form=form,
        refusal=refusal,
        declaration=submission.declaration_of(view, clock.today()),
        people={m.person.idcs: m.person for m in view.members},
        links={
            **{name: task_url(name, **back) for name in SECTIONS},
            "members": task_url("members"),
        },
        member_links={
            index: url_for("citizen.register_member_details", key=m.key, **back)
            for index, m in enumerate(view.members)
        },
        page_has_errors=bool(form.errors or refusal),
    )


@bp.get("/household/register/confirmation")
@access(Rule.CITIZEN)
def register_confirmation() -> str | Response:
    receipt = submission.latest_receipt(db.session, signed_in_person_id())
    if receipt is None:
        return redirect(url_for("citizen.register"))
    score = current_score(db.session, receipt.household)
    return render_template(
        "citizen/register/confirmation.html",
        receipt=receipt,
        score=score,
        eligibility=eligibility_of(receipt.household, score),
    )
