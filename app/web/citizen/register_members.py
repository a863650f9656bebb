"""Registering a household: its members, found in the RNP one by one.

With htmx, Find, Add and Remove replace the members section in place (focus
and a status message follow, ``app.js``); without it, each is a plain post
and a redirect back to the list.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.domain.errors import DomainError, Invalid
from app.extensions import db
from app.i18n import current_language
from app.services import registration as service
from app.web.access import Rule, access, current_actor, signed_in_person_id
from app.web.citizen import bp
from app.web.citizen.drafts import draft_view, existing_draft_view, retention
from app.web.input_boundary import InputRefused, accepts, answers, is_htmx, pressed
from app.web.messages import refusal_text
from app.web.questionnaire_forms import (
    MemberAddForm,
    MemberLookupForm,
    apply_problems,
    show_invalid,
)


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
    view = draft_view()
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
                                        current_actor().account_id or 0, raw, retention())  # fmt: skip
    except InputRefused as refused:
        status = show_invalid(form, refused)
        return _members_page(existing_draft_view(), lookup=form, status=status)
    except DomainError as error:
        return _members_refusal(error, lookup=form)
    apply_problems(form, outcome.checked.problems)
    view = existing_draft_view()
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
            service.cancel_pending_member(db.session, signed_in_person_id(), retention())
            return _after_member_change(existing_draft_view())
        service.add_pending_member(db.session, signed_in_person_id(), relation, retention())
    except Invalid as invalid:
        status = show_invalid(form, invalid)
        return _members_page(existing_draft_view(), add=form, status=status)
    except DomainError as error:
        return _members_refusal(error)
    view = existing_draft_view()
    added = view.members[-1].person.full_name(current_language())
    return _after_member_change(view, notice=_("%(name)s is added to the household.", name=added))


def _members_refusal(error: DomainError, **forms: Any) -> tuple[str, int]:
    """The members' page with what was refused; without a draft, the refusal page."""
    if error.code == "no_draft":
        raise error
    status = 429 if error.code == "too_many_lookups" else 200
    return _members_page(existing_draft_view(), refusal=refusal_text(error.code), status=status,
                         **forms)  # fmt: skip


@bp.post("/household/register/members/<member_key:key>/remove")
@access(Rule.CITIZEN)
def register_members_remove(key: str) -> tuple[str, int] | Response:
    before = draft_view()
    leaving = [m for m in before.members if m.key == key] if before else []
    # Already gone (a double click): the page below shows the list as it is.
    with suppress(DomainError):
        service.remove_member(db.session, signed_in_person_id(), key, retention())
    view = draft_view()
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
    service.confirm_members(db.session, signed_in_person_id(), retention())
    return redirect(url_for("citizen.register_details"))
