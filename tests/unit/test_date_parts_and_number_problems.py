"""Dates typed in three fields, and numbers said too short rather than mistyped."""

from __future__ import annotations

from app.domain.identifiers import certificate_number_problem, format_certificate_number
from app.domain.input_rules import date_from_parts, date_parts_of, wrong_date_parts
from app.domain.validation import check_member_lookup


def test_three_fields_make_one_date_or_stay_as_typed() -> None:
    assert date_from_parts("2", "7", "1984") == "1984-07-02"
    assert date_from_parts(" 02 ", "07", "1984") == "1984-07-02"
    assert date_from_parts("", "", "") == ""
    # Anything else is kept as typed, which no date rule takes for a date.
    assert date_from_parts("31", "13", "1984") == "31 13 1984"
    assert date_from_parts("2", "", "1984") == "2  1984"
    assert date_from_parts("2", "7", "84") == "2 7 84"


def test_the_first_wrong_part_is_named_in_page_order() -> None:
    assert wrong_date_parts("2", "7", "1984") == ()
    assert wrong_date_parts("", "7", "1984") == ("day",)
    assert wrong_date_parts("32", "13", "1984") == ("day", "month")
    assert wrong_date_parts("2", "7", "84") == ("year",)
    assert wrong_date_parts("٢", "7", "1984") == ("day",)  # digits a keyboard does not send
    assert wrong_date_parts("1" * 5000, "7", "1984") == ("day",)


def test_a_date_shows_again_in_its_three_fields() -> None:
    assert date_parts_of("1984-07-02") == {"day": "2", "month": "7", "year": "1984"}
    assert date_parts_of("not a date") == {"day": "", "month": "", "year": ""}


def test_a_certificate_number_too_short_is_not_a_typing_error() -> None:
    number = "12345678901234567897"
    assert certificate_number_problem("1234-5678") == "too_short"
    assert certificate_number_problem(number + "1") == "too_long"
    assert certificate_number_problem("1234-ABCD") == "not_digits"
    valid = next(
        n
        for n in (f"1234567890123456789{d}" for d in "0123456789")
        if certificate_number_problem(n) is None
    )
    assert certificate_number_problem(format_certificate_number(valid)) is None
    mistyped = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert certificate_number_problem(mistyped) == "typo"


def test_an_idcs_too_short_is_said_too_short() -> None:
    from datetime import date

    checked = check_member_lookup(
        {"idcs": "10000001", "birth_date": "1984-07-02"}, date(2026, 1, 1)
    )
    assert checked.problems["idcs"].code == "idcs_too_short"
    checked = check_member_lookup(
        {"idcs": "10000001AB", "birth_date": "1984-07-02"}, date(2026, 1, 1)
    )
    assert checked.problems["idcs"].code == "idcs_format"
