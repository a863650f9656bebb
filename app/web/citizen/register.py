"""Registering a household: task list, sections, check your answers, confirmation.

The members section is ``register_members``; what both share is ``drafts``.

Each page works with plain form posts; htmx only makes it smoother (inline
checks on change, members added and removed in place). Routes parse the
form, call one service, map its problems to messages, and render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app import clock
from app.domain import validation
from app.domain.errors import DomainError, Invalid
from app.domain.sections import SECTIONS
from app.domain.validation import Checked
from app.extensions import db
from app.models import Person
from app.services import registration as service
from app.services import registration_submit as submission
from app.services.scoring import current_score, eligibility_of
from app.web.access import Rule, access, current_actor, signed_in_person_id
from app.web.citizen import bp
from app.web.citizen.drafts import (
    draft_view,
    inline,
    retention,
    saved_or_refused,
    touched,
)
from app.web.input_boundary import (
    accepts,
    answers,
    query,
    ticked,
)
from app.web.messages import refusal_text
from app.web.questionnaire_forms import (
    SECTION_FORMS,
    DeclarationForm,
    MemberDetailsForm,
    apply_problems,
    show_invalid,
)

# What any section's page may send: one route serves the four.
EVERY_SECTION_FIELD = tuple(dict.fromkeys(f for s in SECTIONS.values() for f in s.every_field))


def _blocked(code: str) -> tuple[str, int]:
    person = db.session.get(Person, signed_in_person_id())
    return render_template(
        "citizen/register/blocked.html", code=code, person=person, message=refusal_text(code)
    ), 200


@bp.get("/household/register")
@access(Rule.CITIZEN)
def register() -> str | tuple[str, int] | Response:
    """The task list. Starts a draft, or resumes the one saved."""
    try:
        draft = service.start_or_resume(
            db.session, signed_in_person_id(), current_actor(), retention()
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
    view = draft_view()
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
    raw, checked, status = saved_or_refused(page.fields, page.save)
    form = page.make_form(raw)
    if inline():
        apply_problems(form, checked.problems, only=touched(raw))
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
                db.session, signed_in_person_id(), section, raw, retention()
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


@bp.get("/household/register/details")
@access(Rule.CITIZEN)
def register_details() -> str | Response:
    view = draft_view()
    if view is None:
        return redirect(url_for("citizen.register"))
    return render_template("citizen/register/details.html", view=view)


@bp.route("/household/register/details/<member_key:key>", methods=["GET", "POST"])
@access(Rule.CITIZEN)
@accepts(form=(*validation.MEMBER_FIELDS, "continue"), query=("return",))
def register_member_details(key: str) -> str | tuple[str, int] | Response:
    """One member's relation, marital status, education, activity, coverage."""
    view = draft_view()
    member = view.find_member(key) if view else None
    if view is None or member is None:
        return redirect(url_for("citizen.register_details" if view else "citizen.register"))
    if request.method == "GET":
        form = MemberDetailsForm(data=member.details_raw)
        return render_template("citizen/register/member_details.html", form=form, member=member,
                               raw=member.details_raw)  # fmt: skip
    return _answers_sent(_member_details_page(view, member, key))


def _member_details_page(
    view: service.DraftView, member: service.DraftMember, key: str
) -> QuestionPage:
    return QuestionPage(
        template="citizen/register/member_details.html",
        fragment="citizen/register/_member_form.html",
        context={"member": member},
        fields=validation.MEMBER_FIELDS,
        save=lambda raw: service.save_member_details(
            db.session, signed_in_person_id(), key, raw, retention()
        ),
        make_form=lambda _raw: MemberDetailsForm(),
        next_step=lambda: service.step_after(view, "member_details", key),
    )


# -- check your answers, submit, confirmation -------------------------------------------


@bp.route("/household/register/check", methods=["GET", "POST"])
@access(Rule.CITIZEN)
@accepts(form=("submission_key", "honour", "consent"))
def register_check() -> str | tuple[str, int] | Response:
    """Check your answers, then declare on one's honour and consent."""
    if request.method == "POST":
        return _declare()
    view = draft_view()
    if view is None or not view.ready:
        return redirect(url_for("citizen.register"))
    form = DeclarationForm()
    form.submission_key.data = view.draft.submission_key
    return _check_page(view, form)


def _declare() -> str | tuple[str, int] | Response:
    try:
        sent = answers("submission_key", "honour", "consent")
        submission.submit_registration(db.session, signed_in_person_id(),
                                    sent.get("submission_key", ""), honour=ticked("honour"),
                                    consent=ticked("consent"), actor=current_actor())  # fmt: skip
    except DomainError as error:
        view = draft_view()
        if view is None:
            return redirect(url_for("citizen.register"))
        # Built only to show the page again: a submit that succeeds needs no
        # form (the CSRF check ran before the view), and building one cost
        # 4 % of a submit's time (issue 15).
        form = DeclarationForm()
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
