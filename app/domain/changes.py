"""Changes to a household's declaration, and what differs between two versions.

docs/domain.md, "Declaring a change": a member joins (birth, marriage, other), a
member leaves (death, marriage, divorce, moving out), the address or
residence changes, the housing, assets or spending change, or the phone
number. Each accepted change makes a new version of the declaration; the
old one is kept as it was.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.declaration import MEMBER_ANSWERS
from app.domain.sections import SECTIONS as QUESTIONNAIRE_SECTIONS

CHANGE_KINDS = (
    "birth",
    "member_joined",
    "death",
    "member_left",
    "member_situation",
    "residence",
    "housing",
    "equipment",
    "spending",
    "phone",
)
JOIN_REASONS = ("marriage", "other")
LEAVE_REASONS = ("marriage", "divorce", "moving_out")
# The declaration's sections that a change may replace whole, in questionnaire order.
SECTIONS = tuple(section.stored_as for section in QUESTIONNAIRE_SECTIONS.values())

# What each kind of change asks, besides the version it starts from: a
# questionnaire section asks its own fields (by milieu, see ``answers_asked``).
JOINING_FIELDS = ("idcs", "birth_date", *MEMBER_ANSWERS)
MEMBER_FIELDS = ("member", "reason", *MEMBER_ANSWERS)  # a member by position, and why
ANSWERS: dict[str, tuple[str, ...]] = {
    "phone": ("phone",),
    "birth": JOINING_FIELDS,
    "member_joined": JOINING_FIELDS,
    "death": MEMBER_FIELDS,
    "member_left": MEMBER_FIELDS,
    "member_situation": MEMBER_FIELDS,
}


def answers_asked(kind: str, milieu: str | None) -> tuple[str, ...]:
    """The answers a kind of change asks a household of this milieu."""
    if kind in QUESTIONNAIRE_SECTIONS:
        return QUESTIONNAIRE_SECTIONS[kind].fields(milieu)
    return ANSWERS[kind]


# Every answer any kind of change may send: what its pages declare they read.
EVERY_ANSWER = tuple(
    dict.fromkeys(
        name
        for kind in CHANGE_KINDS
        for milieu in ("urban", "rural")
        for name in answers_asked(kind, milieu)
    )
)


def with_section(
    declaration: dict[str, Any], section: str, values: dict[str, Any], today: date
) -> dict[str, Any]:
    """A new declaration with one section replaced, dated today."""
    if section not in SECTIONS:
        raise ValueError(section)
    new = copy.deepcopy(declaration)
    new[section] = dict(values)
    new["as_of"] = today.isoformat()
    if section == "residence" and values.get("milieu") != "rural":
        # Livestock and land are asked in the countryside only.
        for rural in ("cattle", "sheep_goats", "farm_land_ha", "tractors"):
            new["assets"].pop(rural, None)
    return new


def with_phone(declaration: dict[str, Any], phone: str, today: date) -> dict[str, Any]:
    return with_section(
        declaration, "residence", {**declaration["residence"], "phone": phone}, today
    )


def with_member(declaration: dict[str, Any], entry: dict[str, Any], today: date) -> dict[str, Any]:
    new = copy.deepcopy(declaration)
    new["members"].append(dict(entry))
    new["as_of"] = today.isoformat()
    return new


def without_member(declaration: dict[str, Any], idcs: str, today: date) -> dict[str, Any]:
    new = copy.deepcopy(declaration)
    new["members"] = [m for m in new["members"] if m["idcs"] != idcs]
    new["as_of"] = today.isoformat()
    return new


def with_member_answers(
    declaration: dict[str, Any], idcs: str, answers: dict[str, Any], today: date
) -> dict[str, Any]:
    new = copy.deepcopy(declaration)
    for member in new["members"]:
        if member["idcs"] == idcs:
            member.update(
                {
                    k: v
                    for k, v in answers.items()
                    if k != "relation" or member["relation"] != "self"
                }
            )
    new["as_of"] = today.isoformat()
    return new


@dataclass(frozen=True)
class Difference:
    """One fact that differs between two versions. ``member`` names a member by IDCS."""

    section: str  # residence, members, housing, assets, spending
    field: str
    before: Any
    after: Any
    member: str | None = None


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[Difference]:
    """What changed from one version to the next, in questionnaire order."""
    differences: list[Difference] = []
    for section in SECTIONS:
        old, new = before.get(section, {}), after.get(section, {})
        for field in list(old) + [f for f in new if f not in old]:
            if old.get(field) != new.get(field):
                differences.append(Difference(section, field, old.get(field), new.get(field)))
    old_members = {m["idcs"]: m for m in before.get("members", [])}
    new_members = {m["idcs"]: m for m in after.get("members", [])}
    for idcs, member in new_members.items():
        if idcs not in old_members:
            differences.append(Difference("members", "joined", None, member["relation"], idcs))
    for idcs, member in old_members.items():
        if idcs not in new_members:
            differences.append(Difference("members", "left", member["relation"], None, idcs))
    for idcs, member in new_members.items():
        old_member = old_members.get(idcs)
        if old_member is None:
            continue
        for field, value in member.items():
            if old_member.get(field) != value:
                differences.append(Difference("members", field, old_member.get(field), value, idcs))
    return differences
