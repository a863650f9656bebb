"""Computing a score: ``compute_score(declaration, model)``.

The score is defined in fixed point with 7 decimals, the precision of the
programme thresholds: each variable's contribution (coefficient times value)
is rounded once, half to even, to 7 decimals, and the score is the exact sum
of the intercept, the contributions and the regional effect. So the stored
contributions add up to the stored score to the last digit, and eligibility
compares that exact value with the threshold: nothing is rounded after.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from app.domain.scoring.features import extract_features
from app.domain.scoring.model import ScoringModel

SCALE = Decimal("0.0000001")


@dataclass(frozen=True)
class ScoreResult:
    value: Decimal
    milieu: str
    region: str
    model_id: str
    intercept: Decimal
    regional_effect: Decimal
    # The variables that moved the score, in model order. A variable of the
    # model missing here contributed exactly zero.
    contributions: dict[str, Decimal]

    def stored_contributions(self) -> dict[str, str]:
        """As stored with the score: exact decimal strings."""
        return {name: str(value) for name, value in self.contributions.items()}


def compute_score(declaration: dict[str, Any], model: ScoringModel) -> ScoreResult:
    """The household's score under ``model``: value, milieu, model id, contributions."""
    residence = declaration["residence"]
    milieu = residence["milieu"]
    region = residence["region"]
    part = model.milieus[milieu]
    features = extract_features(declaration)
    contributions: dict[str, Decimal] = {}
    total = part.intercept
    for name, coefficient in part.coefficients.items():
        value = features.get(name)
        if value:  # most features are zero flags: nothing to add
            contribution = (coefficient * value).quantize(SCALE, rounding=ROUND_HALF_EVEN)
            if contribution:
                contributions[name] = contribution
                total += contribution
    regional = part.regional_effects[region]
    total += regional
    return ScoreResult(
        value=total.quantize(SCALE),
        milieu=milieu,
        region=region,
        model_id=model.id,
        intercept=part.intercept,
        regional_effect=regional,
        contributions=contributions,
    )
