"""Form helpers shared by every area."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.utils import unset_value

from app.domain.input_rules import DATE_PARTS, date_parts_of, wrong_date_parts


class DatePartsField(StringField):
    """A date asked in three fields, day, month and year (the GOV.UK date input).

    The browser sends ``<name>-day``, ``<name>-month`` and ``<name>-year``; the
    input boundary joins them into the one answer ``<name>`` that the rules
    check (2026-03-14). ``parts`` are what the three fields show: as typed
    when the form comes back, else taken from the date.
    """

    parts: dict[str, str]

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        names = {part: f"{self.name}-{part}" for part in DATE_PARTS}
        if formdata is not None and any(name in formdata for name in names.values()):
            self.parts = {part: formdata.get(name, "") for part, name in names.items()}
        else:
            self.parts = date_parts_of(str(self.data or ""))

    @property
    def wrong_parts(self) -> tuple[str, ...]:
        """The parts to mark when the date has a problem: those that cannot be
        a day, a month or a year, or all three when the date as a whole is
        wrong (31 February, a date in the future)."""
        if not self.errors:
            return ()
        return wrong_date_parts(*(self.parts[part] for part in DATE_PARTS)) or DATE_PARTS


def form_errors(form: FlaskForm | None) -> list[tuple[str, str, str]]:
    """(anchor id, first message, field id) for each field in error, in page order.

    Radio groups link to their first option, and a date to its first wrong
    part, as the GOV.UK error summary does. The field id lets a live check
    take a fixed field out of the summary; it is empty for a problem of the
    whole form.
    """
    if form is None:
        return []
    # Problems of the whole form come first, and lead to the form's top.
    found: list[tuple[str, str, str]] = [("main", str(message), "") for message in form.form_errors]
    for field in form:
        if field.errors:
            anchor = field.id
            if field.type == "RadioField":
                anchor = f"{field.id}-0"
            elif isinstance(field, DatePartsField):
                anchor = f"{field.id}-{field.wrong_parts[0]}"
            message: Any = field.errors[0]
            found.append((anchor, str(message), field.id))
    return found
