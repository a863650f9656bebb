"""Where a score stands among the programmes' thresholds, for a picture.

The score page and the score certificate open with a scale: the household's
score as a point, each programme's threshold as a mark, and the side of the
mark that the programme admits. This module places them on a line from 0
(the low end) to 1 (the high end); drawing, and the direction the line runs
in each language, belong to the web layer (app/web/score_picture.py and
components/score_scale.html).

The line's ends leave room on both sides of the outermost values, so that a
score equal to a threshold, or far beyond every threshold, still shows on
which side it lies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.scoring.programmes import Decision

# The smallest stretch of score the line covers: thresholds a few hundredths
# apart must not look like one mark.
MINIMUM_SPAN = Decimal("1")


@dataclass(frozen=True)
class Mark:
    """One programme's threshold on the line, and the side it admits."""

    code: str
    rule: str  # "at_most" admits the low side, "above" the high side
    threshold: Decimal
    position: float
    eligible: bool


@dataclass(frozen=True)
class ScoreScale:
    score: Decimal
    position: float
    low: Decimal
    high: Decimal
    marks: tuple[Mark, ...]


def score_scale(score: Decimal, decisions: list[Decision] | tuple[Decision, ...]) -> ScoreScale:
    """The score and every decided programme's threshold placed on one line."""
    values = [score, *(d.programme.threshold for d in decisions)]
    smallest, largest = min(values), max(values)
    margin = max((largest - smallest) / 2, MINIMUM_SPAN / 2)
    low, high = smallest - margin, largest + margin

    def place(value: Decimal) -> float:
        return float((value - low) / (high - low))

    marks = tuple(
        Mark(
            code=d.programme.code,
            rule=d.programme.rule,
            threshold=d.programme.threshold,
            position=place(d.programme.threshold),
            eligible=d.eligible,
        )
        for d in decisions
    )
    return ScoreScale(score=score, position=place(score), low=low, high=high, marks=marks)
