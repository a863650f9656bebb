"""Where each part of the score picture goes, in SVG units.

``app.domain.scoring.scale`` places the score and the thresholds on a line
from 0 to 1; this module turns those places into the picture's coordinates,
for the page (``score_scale``) and the certificate (``score_scale_print``)
in components/score_scale.html, which only lay them out. It is done here
rather than by macros in the template: the template computed each
coordinate through a macro call, which made the picture a sizeable part
of the score page's time (issue 15).

The line runs the way the page reads: in Arabic the low end is on the right
(docs/score-scale.md). Coordinates are written with one decimal.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.scoring.scale import Mark, ScoreScale

WIDTH = 320  # SVG units; the page scales the picture to its column
PAD = 14  # room at both ends, for the dot and the end of the bars
INNER = WIDTH - 2 * PAD
# A threshold's figure closer than this to an end goes on its inner side.
EDGE = 70


@dataclass(frozen=True)
class MarkDrawing:
    mark: Mark
    x: str  # the threshold's mark
    admitted_x: str  # the thick bar over the side the programme admits: where it starts
    admitted_width: str
    figure_x: str  # the threshold's figure, beside its mark, on the side away
    figure_anchor: str  # from the household's line (start or end)


@dataclass(frozen=True)
class ScaleDrawing:
    scale: ScoreScale
    rtl: bool
    score_x: str  # the household's dot and dashed line
    score_anchor: str  # its words above the rows: start, middle or end
    marks: tuple[MarkDrawing, ...]
    start_x: int  # where a row's programme name starts (the reading side)
    end_x: int  # where its decision ends
    width: int = WIDTH
    pad: int = PAD


def scale_drawing(scale: ScoreScale, direction: str) -> ScaleDrawing:
    rtl = direction == "rtl"

    def x(position: float) -> str:
        return f"{PAD + ((1 - position) if rtl else position) * INNER:.1f}"

    def anchor(position: float) -> str:
        """Which end of a text sits at x: kept inside the picture near its edges."""
        at = (1 - position) if rtl else position
        return "start" if at < 0.2 else "end" if at > 0.8 else "middle"

    score_x = x(scale.position)
    marks = []
    for mark in scale.marks:
        mark_x = x(mark.position)
        a, b = float(mark_x), float(x(0 if mark.rule == "at_most" else 1))
        # The figure goes on the side away from the household's line, unless
        # that side has no room left before the picture's edge.
        away = a >= float(score_x)
        if away and a > WIDTH - EDGE:
            away = False
        elif not away and a < EDGE:
            away = True
        marks.append(
            MarkDrawing(
                mark=mark,
                x=mark_x,
                admitted_x=f"{min(a, b):.1f}",
                admitted_width=f"{max(a, b) - min(a, b):.1f}",
                figure_x=f"{a + (4 if away else -4):.1f}",
                figure_anchor="start" if away else "end",
            )
        )
    return ScaleDrawing(
        scale=scale,
        rtl=rtl,
        score_x=score_x,
        score_anchor=anchor(scale.position),
        marks=tuple(marks),
        start_x=WIDTH - PAD if rtl else PAD,
        end_x=PAD if rtl else WIDTH - PAD,
    )
