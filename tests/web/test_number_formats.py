"""Figures are written as Babel writes them, in the page's language, even
though each process keeps what it wrote (``app.i18n._format_number``)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from flask import Flask
from flask_babel import force_locale, get_locale

from app.i18n import (
    FORMAT_LOCALES,
    format_amount,
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
