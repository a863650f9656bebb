"""What each kind of declared change does to a declaration: one table, ``CHANGES``.

docs/domain.md, "Declaring a change". A handler takes the declaration as it
is and the answers as typed, checks them with the same rules as
registration (``domain.sections``, ``validation.check_member``), and returns
the declaration as it will be, with who joins and who leaves. Nothing is
written here: ``household_life.apply_change`` writes the version, and a
reviewer's proposal only looks at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from app.domain import changes, validation
from app.domain.declaration import age_on, member_entry
from app.domain.errors import DomainError, Invalid
from app.domain.input_rules import bounded_int
from app.domain.sections import SECTIONS
from app.domain.validation import Checked
from app.services.rnp_lookup import match_in_rnp


@dataclass(frozen=True)
class Asked:
    """One change asked of one declaration."""

    db: Session
    account_id: int  # whose look-ups count against the RNP limit
    declaration: dict[str, Any]
    answers: dict[str, Any]
    today: date

    @property
    def milieu(self) -> str | None:
        return self.declaration["residence"].get("milieu")


@dataclass(frozen=True)
class NewDeclaration:
    declaration: dict[str, Any]
    joining: list[tuple[int, str]] = field(default_factory=list)  # (person id, relation)
    leaving: list[tuple[str, str]] = field(default_factory=list)  # (IDCS, reason)


def invalid(checked: Checked) -> DomainError:
    return Invalid(checked.problems)


def _section(name: str, asked: Asked) -> NewDeclaration:
    section = SECTIONS[name]
    checked = section.check(asked.answers, asked.milieu)
    if not checked.valid:
        raise invalid(checked)
    return NewDeclaration(
        changes.with_section(asked.declaration, section.stored_as, checked.values, asked.today)
    )


def _phone(asked: Asked) -> NewDeclaration:
    phone = validation.normalize_phone(str(asked.answers.get("phone", "")))
    if phone is None:
        raise invalid(Checked(problems={"phone": validation.Problem("phone_format")}))
    return NewDeclaration(changes.with_phone(asked.declaration, phone, asked.today))


def _joins(asked: Asked) -> NewDeclaration:
    """Birth, or someone joins: found in the RNP (the one look-up, and its limit)."""
    outcome = match_in_rnp(asked.db, asked.account_id, asked.answers)
    if outcome.found is None:
        raise invalid(outcome.checked)
    found = outcome.found
    age = age_on(found.birth_date, asked.today)
    details = validation.check_member(asked.answers, age=age, is_declarant=False)
    if not details.valid:
        raise invalid(details)
    entry = member_entry(found.idcs, found.sex, found.birth_date, details.values)
    return NewDeclaration(
        changes.with_member(asked.declaration, entry, asked.today),
        joining=[(found.person_id, str(details.values["relation"]))],
    )


def _member(asked: Asked) -> dict[str, Any]:
    """A member by position: the form was built from the same version (the lock checks it)."""
    members = asked.declaration["members"]
    index = bounded_int(str(asked.answers.get("member", "")), 0, len(members) - 1)
    if index is None:
        raise invalid(Checked(problems={"member": validation.Problem("choose")}))
    return dict(members[index])


def _leaves(reason: str | None, asked: Asked) -> NewDeclaration:
    """Death (``reason`` given), or someone leaves for the reason they chose."""
    member = _member(asked)
    if member["relation"] == "self":
        raise invalid(Checked(problems={"member": validation.Problem("declarant_cannot_leave")}))
    if reason is None:
        reason = str(asked.answers.get("reason", ""))
        if reason not in changes.LEAVE_REASONS:
            raise invalid(Checked(problems={"reason": validation.Problem("choose")}))
    return NewDeclaration(
        changes.without_member(asked.declaration, member["idcs"], asked.today),
        leaving=[(member["idcs"], reason)],
    )


def _situation(asked: Asked) -> NewDeclaration:
    member = _member(asked)
    details = validation.check_member(
        {**asked.answers, "relation": asked.answers.get("relation") or member["relation"]},
        age=age_on(date.fromisoformat(member["birth_date"]), asked.today),
        is_declarant=member["relation"] == "self",
    )
    if not details.valid:
        raise invalid(details)
    return NewDeclaration(
        changes.with_member_answers(asked.declaration, member["idcs"], details.values, asked.today)
    )


CHANGES: dict[str, Callable[[Asked], NewDeclaration]] = {
    **{name: partial(_section, name) for name in SECTIONS},
    "phone": _phone,
    "birth": _joins,
    "member_joined": _joins,
    "death": partial(_leaves, "death"),
    "member_left": partial(_leaves, None),
    "member_situation": _situation,
}


def new_declaration(kind: str, asked: Asked) -> NewDeclaration:
    handler = CHANGES.get(kind)
    if handler is None:
        raise DomainError("unknown_change")
    return handler(asked)
