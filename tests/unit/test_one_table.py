"""Sections and kinds of change are tables: each entry has what every path needs.

Registration, declared changes and reviewers' corrections read the same
tables (``domain.sections``, ``domain.changes``, ``services.declared_changes``,
``web.questionnaire_forms``); a kind missing from one of them would fail only
on its own page.
"""

from __future__ import annotations

from pathlib import Path

from wtforms.fields.core import UnboundField

from app.domain import changes
from app.domain.sections import SECTIONS
from app.services.declared_changes import CHANGES
from app.services.registration import TASKS
from app.web.questionnaire_forms import CHANGE_FORMS, SECTION_FORMS

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates" / "citizen" / "register"


def fields_of(form_class: type) -> set[str]:
    return {n for n in dir(form_class) if isinstance(getattr(form_class, n), UnboundField)}


def test_every_kind_of_change_has_a_handler_a_form_and_its_answers() -> None:
    assert set(CHANGES) == set(changes.CHANGE_KINDS) == set(CHANGE_FORMS)
    for kind in changes.CHANGE_KINDS:
        assert changes.answers_asked(kind, "rural")


def test_every_section_has_a_form_a_page_a_fragment_and_a_task() -> None:
    assert set(SECTION_FORMS) == set(SECTIONS)
    for name, section in SECTIONS.items():
        assert (TEMPLATES / f"{name}.html").is_file()
        assert (TEMPLATES / f"_{name}_form.html").is_file()
        assert name in TASKS
        # The form shows every field the section asks, in either milieu.
        assert set(section.every_field) <= fields_of(SECTION_FORMS[name])


def test_livestock_is_asked_in_the_countryside_only() -> None:
    equipment = SECTIONS["equipment"]
    assert "cattle" in equipment.fields("rural")
    assert "cattle" not in equipment.fields("urban")
    assert "cattle" in equipment.every_field
