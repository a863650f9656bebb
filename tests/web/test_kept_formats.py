"""Figures and dates are written as Babel writes them, in the page's language,
even though each process keeps what it wrote (``app.i18n``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flask import Flask
from flask_babel import force_locale, get_locale

from app.i18n import (
    FORMAT_LOCALES,
    format_amount,
    format_day,
    format_number,
    format_score,
    format_threshold,
)

FIGURES = [Decimal("9.3"), Decimal("9.30"), Decimal("1234.5"), Decimal("-0.0000001"), 1234, 12.5]


def test_each_figure_is_written_as_babel_writes_it_in_each_language(app: Flask) -> None:
    written: dict[str, list[str]] = {}
    with app.test_request_context("/"):
        # French, Arabic, then French again: what is kept for one language
        # never answers for the other.
        for language in ("fr", "ar", "fr"):
            with force_locale(FORMAT_LOCALES[language]):
                locale = get_locale()
                for _ in range(2):  # the second time comes from what was kept
                    seen = []
                    for figure in FIGURES:
                        assert format_threshold(figure) == format_decimal(
                            figure, format="0.0######", locale=locale
                        )
                        assert format_score(figure) == format_decimal(
                            figure, format="0.0000000", locale=locale
                        )
                        assert format_amount(figure) == format_currency(
                            figure, "MAD", locale=locale
                        )
                        assert format_number(figure) == format_decimal(figure, locale=locale)
                        seen.append(format_amount(figure))
                    written.setdefault(language, seen)
                    assert written[language] == seen
    assert written["fr"] != written["ar"]


DAYS = [date(2026, 7, 3), datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2031-05-31"]


def test_each_date_is_written_as_babel_writes_it_in_each_language(app: Flask) -> None:
    written: dict[str, list[str]] = {}
    with app.test_request_context("/"):
        for language in ("fr", "ar", "fr"):
            with force_locale(FORMAT_LOCALES[language]):
                locale = get_locale()
                for _ in range(2):
                    seen = [format_day(day) for day in DAYS]
                    assert seen == [
                        format_date(
                            date.fromisoformat(day) if isinstance(day, str) else day,
                            "d MMMM y",
                            locale=locale,
                        )
                        for day in DAYS
                    ]
                    written.setdefault(language, seen)
                    assert written[language] == seen
    assert written["fr"] != written["ar"]
