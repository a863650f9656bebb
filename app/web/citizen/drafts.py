"""What the registration pages share: the person's draft, and answers saved as typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import current_app

from app.domain.errors import DomainError
from app.domain.validation import Checked
from app.extensions import db
from app.services import registration as service
from app.web.access import signed_in_person_id
from app.web.input_boundary import (
    InputRefused,
    answers,
    changed_field,
    fields_shown_in_error,
    is_htmx,
    pressed,
    refusal_status,
    shown_answers,
)


def retention() -> timedelta:
    return timedelta(days=current_app.config["DRAFT_RETENTION_DAYS"])


def draft_view() -> service.DraftView | None:
    draft = service.find_draft(db.session, signed_in_person_id())
    return service.view_draft(db.session, draft) if draft else None


def existing_draft_view() -> service.DraftView:
    """For the forms inside a draft: without one (expired, never started), a refusal page."""
    view = draft_view()
    if view is None:
        raise DomainError("no_draft")
    return view


def inline() -> bool:
    """An htmx request that checks answers as they are typed (not the final "Continue")."""
    return is_htmx() and not pressed("continue")


def touched(raw: dict[str, str]) -> set[str]:
    """Fields to show problems for while typing: those answered, the one just
    changed, and those whose problem the page already shows."""
    touched = {name for name, value in raw.items() if value.strip()} | fields_shown_in_error()
    trigger = changed_field()
    if trigger:
        touched.add(trigger)
    return touched


def saved_or_refused(
    fields: tuple[str, ...], save: Callable[[dict[str, str]], Checked]
) -> tuple[dict[str, str], Checked, int]:
    """The answers, their check once saved, and the status of the page showing
    them. A form the boundary refused is shown again, and nothing is saved."""
    try:
        raw = answers(*fields)
    except InputRefused as refused:
        return shown_answers(*fields), Checked(problems=refused.problems), refusal_status()
    return raw, save(raw), 200
