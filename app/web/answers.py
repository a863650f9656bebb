"""A declaration's answers in words, as pages show them.

Built here in Python, not by Jinja macros: a household summary holds
dozens of answers, and a macro call for each (two with its row) made the
summary most of the household page's time (issue 15). The templates in
``components/declaration.html`` only lay out what these return.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup

from app import clock
from app.domain.declaration import age_on
from app.i18n import gettext, ngettext
from app.web import labels
from app.web.bidi import isolate


def answer_text(name: str, value: Any) -> Markup | str:
    """An answer in words. A phone number keeps its digits in order, and an
    address, which people may type in Latin letters on an Arabic page, its
    own direction."""
    if name == "phone" and value:
        return isolate(value)
    if name == "address" and value:
        return isolate(value, "auto")
    return labels.answer(name, value)


def answered(values: dict[str, Any]) -> list[tuple[str, Markup | str]]:
    """Each answered question of a section (None: not asked) with its answer in words."""
    return [
        (labels.field_label(name), answer_text(name, value))
        for name, value in values.items()
        if value is not None
    ]


def member_summary(member: dict[str, Any]) -> str:
    """A member on one line: relation, age, marital status, schooling, work, health cover."""
    relation = (
        gettext("declarant")
        if member["relation"] == "self"
        else labels.label(labels.RELATIONS, member["relation"])
    )
    age = age_on(date.fromisoformat(member["birth_date"]), clock.today())
    activity = labels.label(labels.ACTIVITIES, member.get("activity"))
    if member.get("occupation"):
        activity += f" ({labels.label(labels.OCCUPATIONS, member['occupation'])})"
    parts = [
        relation,
        ngettext("%(num)s year old", "%(num)s years old", age),
        labels.label(labels.MARITAL_STATUSES, member.get("marital_status")),
        labels.label(labels.EDUCATION_LEVELS, member.get("education")),
        activity,
        labels.label(labels.HEALTH_COVERAGES, member.get("health_coverage")),
    ]
    if member.get("disability"):
        parts.append(gettext("with a disability"))
    return " · ".join(parts)
