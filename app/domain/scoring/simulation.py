"""How a model would sort a synthetic population (``flask scoring simulate``).

Pure: the households are generated in memory and nothing is stored. The
shares eligible for each programme are what a model is calibrated against
(docs/domain.md, "How the score works": about half at or under the AMO
Tadamon threshold, about 60% at or under the ASD threshold).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.domain.scoring import compute_score
from app.domain.scoring.model import ScoringModel
from app.domain.scoring.programmes import programmes_in_force
from app.domain.synthetic import generate


def simulate(model: ScoringModel, households: int, seed: int, as_of: date) -> dict[str, Any]:
    """Score a synthetic population: each programme's share eligible, and quantiles."""
    values = sorted(
        compute_score(h.declaration, model).value
        for h in generate(households, seed=seed, as_of=as_of)
    )
    programmes = programmes_in_force(as_of)

    def quantile(q: float) -> float:
        return float(values[min(len(values) - 1, int(q * len(values)))])

    return {
        "households": households,
        "model": model.id,
        "share_eligible": {
            p.code: round(sum(1 for v in values if p.admits(v)) / len(values), 4)
            for p in programmes
        },
        "quantiles": {"p10": quantile(0.1), "p50": quantile(0.5), "p90": quantile(0.9)},
    }
