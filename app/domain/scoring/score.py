"""Computing a score: ``compute_score(declaration, model)``.

The score is defined in fixed point with 7 decimals, the precision of the
programme thresholds. Each variable's contribution is its coefficient times
its value, computed exactly (values are ratios of integers, coefficients
have at most 7 decimals) and rounded once, half to even, to 7 decimals.
The score is the exact sum of the intercept, the contributions and the
regional effect. So the stored contributions add up to the stored score to
the last digit, and eligibility compares that exact value with the
threshold: nothing is rounded afterwards.

All of it is integer arithmetic in units of 1e-7, which is exact and several
times faster than Decimal: rescoring the country runs this a million times.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.scoring.features import extract_features
from app.domain.scoring.model import ScoringModel


def units_to_decimal(units: int) -> Decimal:
    """An amount in units of 1e-7 as an exact 7-decimal Decimal."""
    return Decimal(units).scaleb(-7)


def units_to_text(units: int) -> str:
    """The same as text, always with 7 decimals: 0.0000001, never 1E-7."""
    whole, fraction = divmod(abs(units), 10_000_000)
    return f"{'-' if units < 0 else ''}{whole}.{fraction:07d}"


def round_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, ties to even."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient


@dataclass(frozen=True)
class ScoreResult:
    value: Decimal
    milieu: str
    region: str
    model_id: str
    intercept: Decimal
    regional_effect: Decimal
    # The variables that moved the score, in model order, in units of 1e-7.
    # A variable of the model missing here contributed exactly zero.
    contribution_units: dict[str, int]

    @property
    def contributions(self) -> dict[str, Decimal]:
        return {name: units_to_decimal(u) for name, u in self.contribution_units.items()}

    def stored_contributions(self) -> dict[str, str]:
        """As stored with the score: exact decimal strings."""
        return {name: units_to_text(u) for name, u in self.contribution_units.items()}


def compute_score(declaration: dict[str, Any], model: ScoringModel) -> ScoreResult:
    """The household's score under ``model``: value, milieu, model id, contributions."""
    residence = declaration["residence"]
    milieu = residence["milieu"]
    region = residence["region"]
    part = model.milieus[milieu]
    features = extract_features(declaration)
    contributions: dict[str, int] = {}
    total = part.intercept_units
    for name, coefficient in part.coefficient_units:
        value = features.get(name)
        if value is None or not value[0]:  # most features are zero: nothing to add
            continue
        numerator, denominator = value
        if denominator == 1:
            contribution = coefficient * numerator
        else:
            contribution = round_half_even(coefficient * numerator, denominator)
        if contribution:
            contributions[name] = contribution
            total += contribution
    regional = part.regional_units[region]
    total += regional
    return ScoreResult(
        value=units_to_decimal(total),
        milieu=milieu,
        region=region,
        model_id=model.id,
        intercept=part.intercept,
        regional_effect=part.regional_effects[region],
        contribution_units=contributions,
    )
