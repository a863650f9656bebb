"""Placing a score and the programmes' thresholds on the picture's line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.domain.scoring.programmes import Decision, Programme
from app.domain.scoring.scale import MINIMUM_SPAN, score_scale


def decided(score: Decimal, *thresholds: tuple[str, str, str]) -> list[Decision]:
    programmes = [
        Programme(code=code, rule=rule, threshold=Decimal(value), effective_from=date(2023, 1, 1))
        for code, rule, value in thresholds
    ]
    return [Decision(programme=p, eligible=p.admits(score)) for p in programmes]


THRESHOLDS = (
    ("amo_tadamon", "at_most", "9.3264284"),
    ("asd", "at_most", "9.743001"),
    ("amo_achamil", "above", "9.3264284"),
)


def test_the_order_of_the_line_is_the_order_of_the_scores() -> None:
    score = Decimal("9.2568903")
    scale = score_scale(score, decided(score, *THRESHOLDS))
    tadamon, asd, achamil = scale.marks
    assert 0 < scale.position < tadamon.position == achamil.position < asd.position < 1
    assert [m.eligible for m in scale.marks] == [True, True, False]


def test_a_score_on_a_threshold_sits_on_its_mark() -> None:
    score = Decimal("9.3264284")
    scale = score_scale(score, decided(score, *THRESHOLDS))
    assert scale.position == scale.marks[0].position
    assert scale.marks[0].eligible and not scale.marks[2].eligible


@given(st.decimals(min_value=0, max_value=20, places=7))
def test_every_score_fits_with_room_on_both_sides(score: Decimal) -> None:
    scale = score_scale(score, decided(score, *THRESHOLDS))
    positions = [scale.position, *(m.position for m in scale.marks)]
    assert all(0.2 <= p <= 0.8 for p in positions)
    assert scale.high - scale.low >= MINIMUM_SPAN
