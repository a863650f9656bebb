"""Registering a household: the draft, section by section, then the submission.

Rules (docs/domain.md, "Registration"; decree 2-21-582):
- only an adult in the RNP may declare, and only if they belong to no
  registered household;
- every member is found in the RNP by IDCS and birth date; a mismatch
  reveals nothing, and failed look-ups are limited per account;
- a person already in another household cannot be added, and the message
  says nothing about that household;
- submitting (``registration_submit``) gives a receipt with a number; the
  score is computed at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from app import clock
from app.db import transaction
from app.domain import codes, validation
from app.domain.codes import ADULT_AGE
from app.domain.declaration import age_on
from app.domain.errors import DomainError, Invalid, NotFound
from app.domain.input_rules import DRAFT_MAX_BYTES
from app.domain.sections import SECTIONS
from app.domain.validation import Checked, Problem
from app.integrations.population_register import RegisteredPerson, population_register
from app.models import Person, RegistrationDraft
from app.services import audit
from app.services.actors import Actor
from app.services.households import active_membership
from app.services.rnp_lookup import LookupOutcome, match_in_rnp

# The task list, in the order the pages lead through it: the questionnaire's
# sections (``domain.sections``) with the members between residence and housing.
TASKS = ("residence", "members", "member_details", "housing", "equipment", "spending")
NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"


# -- who may register ------------------------------------------------------------


def registration_blocker(db: Session, person: Person) -> str | None:
    """Why this person cannot declare a household, or None if they can."""
    if not person.in_rnp:
        return "not_in_rnp"
    if age_on(person.birth_date, clock.today()) < ADULT_AGE:
        return "minor"
    if active_membership(db, person.id) is not None:
        return "already_registered"
    return None


# -- reading a draft ---------------------------------------------------------------


@dataclass(frozen=True)
class DraftMember:
    key: str
    person: Person
    age: int
    is_declarant: bool
    details_raw: dict[str, Any]
    details: Checked

    @property
    def status(self) -> str:
        if not self.details_raw:
            return NOT_STARTED
        return COMPLETED if self.details.valid else IN_PROGRESS


@dataclass(frozen=True)
class DraftView:
    draft: RegistrationDraft
    members: list[DraftMember]
    checks: dict[str, Checked]  # the form sections, checked as saved
    statuses: dict[str, str]
    pending: RegisteredPerson | None

    @property
    def completed(self) -> int:
        return sum(1 for s in self.statuses.values() if s == COMPLETED)

    @property
    def ready(self) -> bool:
        return self.completed == len(TASKS)

    def raw(self, section: str) -> dict[str, Any]:
        return dict(self.draft.data.get("sections", {}).get(section, {}))

    @property
    def milieu(self) -> str | None:
        value = self.checks["residence"].values.get("milieu")
        return str(value) if value else None

    def find_member(self, key: str) -> DraftMember | None:
        return next((member for member in self.members if member.key == key), None)


def _status(raw: dict[str, Any], checked: Checked) -> str:
    if not raw:
        return NOT_STARTED
    return COMPLETED if checked.valid else IN_PROGRESS


def view_draft(
    db: Session, draft: RegistrationDraft, people: dict[int, Person] | None = None
) -> DraftView:
    """The draft checked; ``people``, its members' persons if already read
    (``registration_submit`` reads them with the draft)."""
    data = draft.data
    sections = data.get("sections", {})
    residence = SECTIONS["residence"].check(sections.get("residence", {}), None)
    milieu = residence.values.get("milieu")
    checks = {"residence": residence}
    for name, section in SECTIONS.items():
        if name != "residence":
            checks[name] = section.check(sections.get(name, {}), milieu)

    today = clock.today()
    members = []
    entries = data.get("members", [])
    if people is None:  # one query for all members
        ids = [e["person_id"] for e in entries]
        people = {p.id: p for p in db.scalars(select(Person).where(Person.id.in_(ids)))}
    for entry in entries:
        person = people.get(entry["person_id"])
        if person is None:
            continue
        age = age_on(person.birth_date, today)
        is_declarant = entry["person_id"] == draft.person_id
        raw = dict(entry.get("details", {}))
        checked = validation.check_member(raw, age=age, is_declarant=is_declarant)
        members.append(DraftMember(entry["key"], person, age, is_declarant, raw, checked))

    statuses = {name: _status(sections.get(name, {}), checks[name]) for name in SECTIONS}
    statuses["members"] = (
        COMPLETED
        if data.get("members_confirmed")
        else (IN_PROGRESS if len(members) > 1 else NOT_STARTED)
    )
    detail_statuses = [m.status for m in members]
    if all(s == COMPLETED for s in detail_statuses):
        statuses["member_details"] = COMPLETED
    elif all(s == NOT_STARTED for s in detail_statuses):
        statuses["member_details"] = NOT_STARTED
    else:
        statuses["member_details"] = IN_PROGRESS

    pending = None
    pending_id = data.get("pending_person_id")
    if pending_id:
        pending_person = db.get(Person, pending_id)
        if pending_person is not None and pending_person.idcs:
            pending = population_register(db).lookup_idcs(pending_person.idcs)
    return DraftView(draft, members, checks, {s: statuses[s] for s in TASKS}, pending)


@dataclass(frozen=True)
class NextStep:
    """Where the pages lead once a task is saved: a task of ``TASKS`` (with
    ``member_key`` for one member's details), or the task list (``task=None``)."""

    task: str | None
    member_key: str | None = None


def step_after(view: DraftView, task: str, member_key: str | None = None) -> NextStep:
    """The next task in the order of ``TASKS``. After one member's details, the
    next member still to describe; after the last, the home if not started."""
    if task == "member_details":
        keys = [m.key for m in view.members]
        start = keys.index(member_key) + 1 if member_key in keys else 0
        rest = [m for m in view.members[start:] if m.status != COMPLETED]
        if rest:
            return NextStep("member_details", rest[0].key)
        following = TASKS[TASKS.index(task) + 1]
        return NextStep(following if view.statuses[following] == NOT_STARTED else None)
    position = TASKS.index(task) + 1
    return NextStep(TASKS[position] if position < len(TASKS) else None)


def find_draft(db: Session, person_id: int) -> RegistrationDraft | None:
    draft = db.scalar(select(RegistrationDraft).where(RegistrationDraft.person_id == person_id))
    if draft is not None and draft.expires_at <= clock.now():
        return None  # expired: as good as gone, and purged by `flask drafts purge`
    return draft


# The persons of a draft's members, whose ids its JSON holds: an array the
# index on persons' id is searched with (a plain join of the JSON's elements
# may be planned as a hash join over every person). For a statement that
# reads a draft with its members' persons (``registration_submit``).
MEMBER_PERSONS = text(
    "persons.id = ANY(ARRAY(SELECT (m ->> 'person_id')::int"
    " FROM json_array_elements(registration_drafts.data -> 'members') AS m))"
)


# -- writing a draft -----------------------------------------------------------------


def _touch(draft: RegistrationDraft, retention: timedelta) -> None:
    now = clock.now()
    draft.updated_at = now
    draft.expires_at = now + retention
    # JSON columns notice a new dict, not changes inside the old one.
    draft.data = dict(draft.data)


def start_or_resume(
    db: Session, person_id: int, actor: Actor, retention: timedelta
) -> RegistrationDraft:
    """The person's draft, created with them as its first member if needed."""
    with transaction(db):
        person = db.get(Person, person_id)
        if person is None:
            raise NotFound()
        blocker = registration_blocker(db, person)
        if blocker:
            raise DomainError(blocker)
        draft = db.scalar(select(RegistrationDraft).where(RegistrationDraft.person_id == person_id))
        if draft is not None and draft.expires_at <= clock.now():
            db.delete(draft)
            db.flush()
            draft = None
        if draft is None:
            now = clock.now()
            draft = RegistrationDraft(
                person_id=person_id,
                data={"sections": {}, "members": [{"key": _new_key(), "person_id": person_id}]},
                submission_key=secrets.token_urlsafe(32),
                created_at=now,
                updated_at=now,
                expires_at=now + retention,
            )
            db.add(draft)
            db.flush()
            audit.record(
                db, actor, "registration_started", subject_type="draft", subject_id=draft.id
            )
        return draft


def _within_size(draft: RegistrationDraft) -> None:
    """A draft keeps what was typed, valid or not, but not without end."""
    if len(orjson.dumps(draft.data)) > DRAFT_MAX_BYTES:
        raise DomainError("draft_too_large")


def _new_key() -> str:
    return secrets.token_hex(6)


def _own_draft(db: Session, person_id: int) -> RegistrationDraft:
    draft = find_draft(db, person_id)
    if draft is None:
        raise DomainError("no_draft")
    return draft


def save_section(
    db: Session, person_id: int, section: str, raw: dict[str, Any], retention: timedelta
) -> Checked:
    """Keep what was typed in a form section, valid or not; return its check."""
    with transaction(db):
        draft = _own_draft(db, person_id)
        residence = draft.data.get("sections", {}).get("residence", {})
        milieu = SECTIONS["residence"].check(residence, None).values.get("milieu")
        cleaned = {k: str(v) for k, v in raw.items() if v is not None}
        _touch(draft, retention)
        draft.data["sections"] = {**draft.data.get("sections", {}), section: cleaned}
        _within_size(draft)
        return SECTIONS[section].check(cleaned, milieu)


def confirm_members(db: Session, person_id: int, retention: timedelta) -> None:
    with transaction(db):
        draft = _own_draft(db, person_id)
        _touch(draft, retention)
        draft.data["members_confirmed"] = True


def lookup_member(
    db: Session, person_id: int, account_id: int, raw: dict[str, Any], retention: timedelta
) -> LookupOutcome:
    """Find a member in the RNP (``rnp_lookup``), for the declarant to confirm."""
    with transaction(db):
        draft = _own_draft(db, person_id)
        outcome = match_in_rnp(db, account_id, raw)
        found = outcome.found
        if found is None:
            return outcome
        checked = outcome.checked
        members = draft.data.get("members", [])
        if any(m["person_id"] == found.person_id for m in members):
            checked.problems["idcs"] = Problem("member_already_added")
            return LookupOutcome(checked)
        if len(members) >= validation.MAX_MEMBERS:
            checked.problems["idcs"] = Problem("too_many_members", {"max": validation.MAX_MEMBERS})
            return LookupOutcome(checked)
        _touch(draft, retention)
        draft.data["pending_person_id"] = found.person_id
        return outcome


def add_pending_member(db: Session, person_id: int, relation: str, retention: timedelta) -> None:
    """Add the person found by the last look-up, with their relation to the declarant."""
    if relation not in codes.RELATIONS or relation == "self":
        raise Invalid({"relation": Problem("choose")})
    with transaction(db):
        draft = _own_draft(db, person_id)
        pending = draft.data.get("pending_person_id")
        if not pending:
            raise DomainError("no_pending_member")
        _touch(draft, retention)
        members = list(draft.data.get("members", []))
        if not any(m["person_id"] == pending for m in members):
            members.append(
                {"key": _new_key(), "person_id": pending, "details": {"relation": relation}}
            )
        draft.data["members"] = members
        draft.data.pop("pending_person_id", None)
        draft.data["members_confirmed"] = False


def cancel_pending_member(db: Session, person_id: int, retention: timedelta) -> None:
    with transaction(db):
        draft = _own_draft(db, person_id)
        _touch(draft, retention)
        draft.data.pop("pending_person_id", None)


def remove_member(db: Session, person_id: int, key: str, retention: timedelta) -> None:
    """Remove a member from the draft (never the declarant)."""
    with transaction(db):
        draft = _own_draft(db, person_id)
        members = draft.data.get("members", [])
        kept = [m for m in members if m["key"] != key or m["person_id"] == person_id]
        if len(kept) == len(members):
            raise NotFound()
        _touch(draft, retention)
        draft.data["members"] = kept


def save_member_details(
    db: Session, person_id: int, key: str, raw: dict[str, Any], retention: timedelta
) -> Checked:
    with transaction(db):
        draft = _own_draft(db, person_id)
        members = [dict(m) for m in draft.data.get("members", [])]
        for member in members:
            if member["key"] == key:
                break
        else:
            raise NotFound()
        person = db.get(Person, member["person_id"])
        assert person is not None
        cleaned = {k: str(v) for k, v in raw.items() if v is not None}
        member["details"] = cleaned
        _touch(draft, retention)
        draft.data["members"] = members
        _within_size(draft)
        return validation.check_member(
            cleaned,
            age=age_on(person.birth_date, clock.today()),
            is_declarant=member["person_id"] == person_id,
        )


def purge_expired_drafts(db: Session) -> int:
    """Delete drafts past their expiry: they hold personal data nobody submitted."""
    with transaction(db):
        result = db.execute(
            delete(RegistrationDraft).where(RegistrationDraft.expires_at <= clock.now())
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
