"""The questionnaire's sections, in one table (docs/domain.md, "The household declaration").

Registration saves them one at a time; a declared change replaces one of
them; a reviewer's correction is such a change. All three look the section
up here (what it asks, how it is checked, where its answers are stored)
instead of dispatching on its name, as eq-questionnaire-runner looks up its
blocks. Members are not a section of this kind: each is checked with what
the population register says of them (``validation.check_member``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.domain import validation
from app.domain.validation import Checked


@dataclass(frozen=True)
class Section:
    name: str  # in URLs, drafts and the kinds of change
    stored_as: str  # its key in a declaration
    fields_by_milieu: Callable[[str | None], tuple[str, ...]]
    check_by_milieu: Callable[[dict[str, Any], str | None], Checked]

    def fields(self, milieu: str | None) -> tuple[str, ...]:
        """What the section asks a household of this milieu."""
        return self.fields_by_milieu(milieu)

    def check(self, raw: dict[str, Any], milieu: str | None) -> Checked:
        """The answers as typed, checked with the section's rules."""
        return self.check_by_milieu(raw, milieu)

    @property
    def every_field(self) -> tuple[str, ...]:
        """What its page may send, whatever the milieu."""
        return tuple(dict.fromkeys((*self.fields("urban"), *self.fields("rural"))))


SECTIONS: dict[str, Section] = {
    section.name: section
    for section in (
        Section(
            "residence",
            "residence",
            lambda _milieu: validation.RESIDENCE_FIELDS,
            lambda raw, _milieu: validation.check_residence(raw),
        ),
        Section(
            "housing",
            "housing",
            lambda _milieu: validation.HOUSING_FIELDS,
            lambda raw, _milieu: validation.check_housing(raw),
        ),
        # Livestock and land are asked in the countryside only.
        Section(
            "equipment",
            "assets",
            validation.equipment_fields,
            lambda raw, milieu: validation.check_equipment(raw, milieu=milieu),
        ),
        Section(
            "spending",
            "spending",
            lambda _milieu: tuple(validation.SPENDING_LIMITS),
            lambda raw, _milieu: validation.check_spending(raw),
        ),
    )
}
