"""Programmes and their thresholds, as configuration with effective dates.

docs/domain.md: a programme compares the exact stored score with its threshold.
AMO Tadamon and the ASD admit households at or under their threshold; AMO
Achamil is for those above the Tadamon threshold.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

PROGRAMMES_FILE = Path(__file__).resolve().parents[2] / "scoring_models" / "programmes.toml"
RULES = ("at_most", "above")


class ProgrammeError(ValueError):
    pass


@dataclass(frozen=True)
class Programme:
    code: str
    rule: str  # at_most: eligible when score <= threshold; above: when score > threshold
    threshold: Decimal
    effective_from: date
    effective_until: date | None = None

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day < self.effective_until
        )

    def admits(self, score: Decimal) -> bool:
        """The exact comparison: no rounding of the score, ever."""
        if self.rule == "at_most":
            return score <= self.threshold
        return score > self.threshold


@dataclass(frozen=True)
class Decision:
    programme: Programme
    eligible: bool


def parse_programmes(text: str, source: str = "<programmes>") -> tuple[Programme, ...]:
    raw = tomllib.loads(text, parse_float=Decimal)
    programmes = []
    for index, entry in enumerate(raw.get("programme", [])):
        where = f"{source}: programme[{index}]"
        try:
            programme = Programme(
                code=str(entry["code"]),
                rule=str(entry["rule"]),
                threshold=Decimal(entry["threshold"]),
                effective_from=entry["effective_from"],
                effective_until=entry.get("effective_until"),
            )
        except KeyError as missing:
            raise ProgrammeError(f"{where}: missing {missing}") from missing
        if programme.rule not in RULES:
            raise ProgrammeError(f"{where}: rule must be one of {RULES}")
        if not isinstance(programme.effective_from, date):
            raise ProgrammeError(f"{where}: effective_from must be a date")
        programmes.append(programme)
    if not programmes:
        raise ProgrammeError(f"{source}: no programme")
    return tuple(programmes)


@cache
def configured_programmes() -> tuple[Programme, ...]:
    return parse_programmes(PROGRAMMES_FILE.read_text(encoding="utf-8"), str(PROGRAMMES_FILE))


def programmes_in_force(
    day: date, programmes: tuple[Programme, ...] | None = None
) -> list[Programme]:
    """One entry per programme code: the version in force on ``day``."""
    chosen: dict[str, Programme] = {}
    for programme in programmes or configured_programmes():
        if programme.in_force(day):
            current = chosen.get(programme.code)
            if current is None or programme.effective_from > current.effective_from:
                chosen[programme.code] = programme
    return list(chosen.values())


def decide(
    score: Decimal, day: date, programmes: tuple[Programme, ...] | None = None
) -> list[Decision]:
    """Eligibility for every programme in force on ``day``."""
    return [Decision(p, p.admits(score)) for p in programmes_in_force(day, programmes)]
