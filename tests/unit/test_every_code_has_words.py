"""Every code a rule can raise has its words, and every label table covers its codes.

Rules return codes; the web layer turns them into sentences
(``web/messages.py``) and labels (``web/labels.py``). A code without words
would reach a person as the generic "This request cannot be done", or as a
raw code. The codes are read from the source, so a new ``Problem("...")`` or
``DomainError("...")`` is checked the day it is written.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.domain import changes, codes
from app.web import labels
from app.web.errors import REFUSAL_STATUS
from app.web.messages import NOTICES, PROBLEMS, REFUSALS, RULE_NUMBERS
from app.web.notifications import TEXTS

APP = Path(__file__).resolve().parents[2] / "app"

# Codes shown by a page of their own, or never to a citizen: where each goes.
SAID_ELSEWHERE = {
    "domain_error": "the base class's default, never raised as such",
    "household_changed": "the change page shows what changed meanwhile (web/change_pages.py)",
    "identity_claims_incomplete": "the login refusal page (auth/refused.html), logged",
    "login_already_used": "the login refusal page (auth/refused.html), logged",
    "unknown_office": "the login refusal page (auth/refused.html), logged",
    "model_id_taken": "flask scoring publish, for operators",
    "model_not_yet_effective": "flask scoring publish, for operators",
    "no_scoring_model": "flask scoring, for operators",
    "unknown_certificate_kind": "the route knows the kinds first (403 page)",
    "certificate_not_available": "the certificates page offers only what can be issued (403 page)",
    "unknown_change": "the route knows the kinds first (404 page)",
}


def _codes_raised() -> tuple[set[str], set[str]]:
    """(problem codes, error codes) written in the source of ``app/``."""
    problems: set[str] = set()
    errors: set[str] = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    if name == "Problem":
                        problems.add(first.value)
                    elif name == "DomainError":
                        errors.add(first.value)
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(getattr(t, "id", None) == "code" for t in statement.targets)
                        and isinstance(statement.value, ast.Constant)
                        and isinstance(statement.value.value, str)
                    ):
                        errors.add(statement.value.value)
    return problems, errors


def test_every_problem_has_its_sentence() -> None:
    problems, _errors = _codes_raised()
    assert problems, "the source scan found nothing: it is broken"
    assert sorted(problems - PROBLEMS.keys()) == []


def test_every_refusal_has_its_sentence_or_its_page() -> None:
    _problems, errors = _codes_raised()
    assert "invalid" in errors and "not_found" in errors
    unsaid = errors - REFUSALS.keys() - REFUSAL_STATUS.keys() - SAID_ELSEWHERE.keys()
    assert sorted(unsaid) == []
    # And the list of exceptions holds no code that is no longer raised.
    assert sorted(SAID_ELSEWHERE.keys() - errors) == []


@pytest.mark.parametrize(
    ("table", "all_codes"),
    [
        (labels.MILIEUS, codes.MILIEUS),
        (labels.RELATIONS, codes.RELATIONS),
        (labels.MARITAL_STATUSES, codes.MARITAL_STATUSES),
        (labels.EDUCATION_LEVELS, codes.EDUCATION_LEVELS),
        (labels.ACTIVITIES, codes.ACTIVITIES),
        (labels.OCCUPATIONS, codes.OCCUPATIONS),
        (labels.HEALTH_COVERAGES, codes.HEALTH_COVERAGES),
        (labels.DWELLING_TYPES, codes.DWELLING_TYPES),
        (labels.OCCUPANCIES, codes.OCCUPANCIES),
        (labels.WALL_MATERIALS, codes.WALL_MATERIALS),
        (labels.ROOF_MATERIALS, codes.ROOF_MATERIALS),
        (labels.WATER_SOURCES, codes.WATER_SOURCES),
        (labels.SANITATIONS, codes.SANITATIONS),
        (labels.ELECTRICITY_SOURCES, codes.ELECTRICITY_SOURCES),
        (labels.COOKING_ENERGIES, codes.COOKING_ENERGIES),
        (labels.CHANGE_KINDS, changes.CHANGE_KINDS),
        (labels.LEAVE_REASONS, changes.LEAVE_REASONS),
        (labels.NOTIFICATION_KINDS, tuple(TEXTS)),
    ],
)
def test_every_label_table_covers_its_codes(
    table: dict[str, object], all_codes: tuple[str, ...]
) -> None:
    assert sorted(set(all_codes) - table.keys()) == []


def test_refusals_and_notices_type_no_number_into_their_sentence() -> None:
    """A limit stated in words comes from its rule's constant (``RULE_NUMBERS``),
    so that changing the limit changes every sentence that states it."""
    typed = [
        code
        for table in (REFUSALS, NOTICES)
        for code, sentence in table.items()
        if any(ch.isdigit() for ch in sentence._args[0])  # the English source text
    ]
    assert typed == []
    for code, numbers in RULE_NUMBERS.items():
        sentence = (REFUSALS | NOTICES | PROBLEMS)[code]._args[0]
        assert all(f"%({name})s" in sentence for name in numbers), code
