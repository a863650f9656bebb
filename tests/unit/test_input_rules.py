"""The input rules (app.domain.input_rules) and submission keys, without a request."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import submission_keys, validation
from app.domain.input_rules import (
    DATABASE_INT_MAX,
    FORM_FIELDS,
    TextRule,
    bounded_int,
    calendar_date,
    plausible_birth_date,
    shown_again,
    text_problem,
)

ONE_LINE = TextRule(50)
SEVERAL_LINES = TextRule(50, multiline=True)
APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("a\x00b", "invalid_characters"),
        ("a\x1bb", "invalid_characters"),
        ("a\x7fb", "invalid_characters"),
        ("a\x85b", "invalid_characters"),
        ("a\u202eb", "invalid_characters"),
        ("a\u2067b", "invalid_characters"),
        ("a\u2028b", "invalid_characters"),
        ("a\ufffdb", "invalid_encoding"),
        ("a\nb", "invalid_characters"),
        ("x" * 51, "too_long"),
    ],
)
def test_refused_in_one_line(value: str, code: str) -> None:
    problem = text_problem(value, ONE_LINE)
    assert problem is not None and problem.code == code


def test_line_breaks_and_tabs_only_where_several_lines_are_expected() -> None:
    assert text_problem("ligne 1\r\nligne 2\tfin", SEVERAL_LINES) is None
    assert text_problem("a\x00b", SEVERAL_LINES) is not None
    assert text_problem("a\u202eb", SEVERAL_LINES) is not None


def test_ordinary_text_passes() -> None:
    for value in ("زنقة ابن بطوطة", "Aït Ourir", "\u200fرقم 5\u200e", "٠٦١٢٣٤٥٦٧٨", "O'Brien <b>"):
        assert text_problem(value, ONE_LINE) is None, value


def test_a_refused_answer_is_shown_cleaned_and_cut() -> None:
    assert shown_again("a\x00b\u202ec\nd", ONE_LINE) == "abc d"
    assert shown_again("x" * 100_000, ONE_LINE) == "x" * 50


@given(st.text())
def test_what_is_shown_again_is_never_refused_but_for_its_length(value: str) -> None:
    problem = text_problem(shown_again(value, SEVERAL_LINES), SEVERAL_LINES)
    assert problem is None


@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        ("42", 0, 100, 42),
        ("0042", 0, 100, 42),
        ("0", 0, 100, 0),
        ("", 0, 100, None),
        ("-1", 0, 100, None),
        ("²", 0, 100, None),
        ("٣", 0, 100, None),
        ("1e3", 0, 10_000, None),
        ("9" * 5000, 0, 100, None),
        (str(2**31 + 1), 0, DATABASE_INT_MAX, None),
        (str(DATABASE_INT_MAX), 0, DATABASE_INT_MAX, DATABASE_INT_MAX),
    ],
)
def test_bounded_whole_numbers(text: str, low: int, high: int, expected: int | None) -> None:
    assert bounded_int(text, low, high) == expected


def test_calendar_dates() -> None:
    assert calendar_date("2026-03-14") == date(2026, 3, 14)
    for text in ("0000-00-00", "2026-02-30", "2026-W01-1", "20260314", "14/03/2026", "2026-3-14"):
        assert calendar_date(text) is None, text
    today = date(2026, 6, 1)
    assert plausible_birth_date("9999-12-31", today).code == "birth_in_future"  # type: ignore[union-attr]
    assert plausible_birth_date("1899-12-31", today).code == "date_format"  # type: ignore[union-attr]
    assert plausible_birth_date("", today).code == "enter_birth_date"  # type: ignore[union-attr]
    assert plausible_birth_date("1988-03-14", today) == date(1988, 3, 14)


def test_the_questionnaire_never_converts_a_5000_digit_number() -> None:
    checked = validation.check_housing({"rooms": "9" * 5000, "monthly_rent": "1" + "0" * 4999})
    assert checked.problems["rooms"].code == "between"
    checked = validation.check_spending({"telecom": "9" * 5000})
    assert checked.problems["telecom"].code == "between"


def test_a_submission_key_is_good_for_its_account_and_form_only() -> None:
    key = submission_keys.issue("secret", 7, "change:3:spending")
    assert len(key) == submission_keys.KEY_LENGTH <= 64
    assert submission_keys.is_issued("secret", key, 7, "change:3:spending")
    assert not submission_keys.is_issued("secret", key, 8, "change:3:spending")
    assert not submission_keys.is_issued("secret", key, 7, "change:3:housing")
    assert not submission_keys.is_issued("secret", key, 7, "change:4:spending")
    assert not submission_keys.is_issued("other secret", key, 7, "change:3:spending")
    for made_up in ("", "x", key[:-1] + ("A" if key[-1] != "A" else "B"), "." * 57):
        assert not submission_keys.is_issued("secret", made_up, 7, "change:3:spending")
    assert submission_keys.issue("secret", 7, "x") != submission_keys.issue("secret", 7, "x")


def test_every_field_of_every_form_has_its_rule() -> None:
    """Each WTForms field the portal renders is in FORM_FIELDS (or is a file)."""
    from flask_wtf import FlaskForm

    import app.web.counter.forms as counter_forms
    import app.web.questionnaire_forms as questionnaire
    import app.web.review_forms as review_forms

    names: set[str] = set()
    for module in (questionnaire, review_forms, counter_forms):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, FlaskForm) and value is not FlaskForm:
                names |= {
                    name
                    for name, field in vars(value).items()
                    if hasattr(field, "field_class") and "File" not in field.field_class.__name__
                }
    names -= {"status", "due"}  # the reviewers' queue filters: query parameters
    assert names and names <= set(FORM_FIELDS), names - set(FORM_FIELDS)


def test_views_read_requests_only_through_the_boundary() -> None:
    """No module of the web layer reads request values itself (app/web/input_boundary.py does)."""
    allowed = {APP / "web" / "input_boundary.py"}
    reads = re.compile(r"\brequest\.(form|args|values|files|get_data|data|json|get_json|headers)\b")
    found = [
        f"{path.relative_to(APP)}:{number}"
        for path in sorted((APP / "web").rglob("*.py"))
        if path not in allowed
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if reads.search(line)
    ]
    assert found == []
