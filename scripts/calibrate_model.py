"""How the default, illustrative scoring model was made (development tool).

The official HCP formula is not public. To get a model whose signs are
plausible and whose scores land like the real register's (about half the
households at or under 9.3264284, about 60% at or under 9.743001), we:

1. generate a synthetic population (app/domain/synthetic.py), whose hidden
   living standard drives everything a household declares;
2. simulate each household's log consumption per person from that hidden
   living standard, its size and its milieu, with noise: that is what a
   proxy-means test predicts;
3. fix the composition effects to plausible values (a synthetic population
   cannot teach them: its size is drawn independently of living standards),
   then fit, per milieu, a least-squares regression of the rest on the model
   variables and region indicators, dropping any variable whose fitted sign
   breaks its declared constraint and fitting again;
4. scale and shift the fitted scores so that the two quantiles above land on
   the two thresholds, then round coefficients to 4 decimals.

Usage: .venv/bin/python scripts/calibrate_model.py > app/scoring_models/<id>.toml
Needs numpy (a development dependency, never used by the portal itself).
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date
from decimal import Decimal

import numpy as np

from app.domain import geography
from app.domain.scoring.features import FEATURES, extract_features
from app.domain.synthetic import generate

THRESHOLD_TADAMON = 9.3264284
THRESHOLD_ASD = 9.743001

# Composition effects on log consumption per person, before scaling: each
# member costs, dependants and disability cost more, earners bring income.
FIXED = {
    "household_size": -0.06,
    "household_size_squared": 0.0009,
    "share_dependants": -0.15,
    "members_with_disability": -0.04,
    "share_earners": 0.10,
}


def simulated_log_consumption(household, rng: random.Random) -> float:  # type: ignore[no-untyped-def]
    size = len(household.persons)
    urban = household.declaration["residence"]["milieu"] == "urban"
    return (
        9.3 + 0.45 * household.wealth + (0.12 if urban else 0.0) - 0.03 * size + rng.gauss(0, 0.2)
    )


def fit(
    rows: list[dict[str, Decimal]], regions: list[str], target: np.ndarray, variables: list[str]
):  # type: ignore[no-untyped-def]
    region_codes = list(geography.region_codes())
    fixed_part = np.array([sum(r[v][0] / r[v][1] * c for v, c in FIXED.items()) for r in rows])
    target = target - fixed_part
    variables = [v for v in variables if v not in FIXED]
    while True:
        x = np.array([[r[v][0] / r[v][1] if v in r else 0.0 for v in variables] for r in rows])
        dummies = np.array(
            [[1.0 if reg == code else 0.0 for code in region_codes] for reg in regions]
        )
        design = np.hstack([x, dummies])
        solution, *_ = np.linalg.lstsq(design, target, rcond=None)
        coefficients = dict(zip(variables, solution[: len(variables)], strict=True))
        constraint = {f.name: f.constraint for f in FEATURES}
        wrong = [
            v
            for v, c in coefficients.items()
            if (constraint[v] == "positive" and c < 0) or (constraint[v] == "negative" and c > 0)
        ]
        linear = coefficients.get("household_size", 0.0)
        squared = coefficients.get("household_size_squared", 0.0)
        if (
            any(linear + squared * (2 * n + 1) > 0 for n in range(1, 30))
            and "household_size_squared" in variables
        ):
            wrong.append("household_size_squared")
        if not wrong:
            region_effects = dict(zip(region_codes, solution[len(variables) :], strict=True))
            return {**FIXED, **coefficients}, region_effects, design @ solution + fixed_part
        variables = [v for v in variables if v not in wrong]


def number(value: float) -> str:
    """6 decimals, no trailing zeros, no negative zero."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--id", default="pmt-2026-01-illustrative")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    households = list(generate(args.households, seed=args.seed, as_of=date(2026, 1, 1)))

    result = {}
    all_scores = []
    for milieu in ("urban", "rural"):
        group = [h for h in households if h.declaration["residence"]["milieu"] == milieu]
        rows = [extract_features(h.declaration) for h in group]
        regions = [h.region for h in group]
        target = np.array([simulated_log_consumption(h, rng) for h in group])
        variables = [f.name for f in FEATURES if milieu in f.milieus]
        coefficients, region_effects, fitted = fit(rows, regions, target, variables)
        result[milieu] = (coefficients, region_effects, rows, regions)
        all_scores.append(fitted)

    scores = np.concatenate(all_scores)
    q50, q60 = np.quantile(scores, 0.5), np.quantile(scores, 0.6)
    scale = (THRESHOLD_ASD - THRESHOLD_TADAMON) / (q60 - q50)
    shift = THRESHOLD_TADAMON - scale * q50
    print(f"# scale {scale:.3f}, shift {shift:.3f}", file=sys.stderr)

    print(f'id = "{args.id}"')
    print("effective_date = 2026-01-01")
    print()
    print("[metadata]")
    print('title = "Illustrative proxy-means model (2026-01)"')
    print("illustrative = true")
    print(
        'notice = "Illustrative model for development and demonstration. '
        'It is NOT the official HCP formula, which is not public."'
    )
    print(
        f'calibration = "Least squares on {args.households} synthetic households (seed {args.seed}), '
        "scaled so that about 50% score at or under 9.3264284 and about 60% at or under 9.743001; "
        'see scripts/calibrate_model.py."'
    )
    print('predicts = "natural logarithm of annual consumption per person, in dirhams"')
    for milieu in ("urban", "rural"):
        coefficients, region_effects, _, _ = result[milieu]
        mean_region = float(np.mean(list(region_effects.values())))
        intercept = shift + scale * mean_region
        print()
        print(f"[{milieu}]")
        print(f"intercept = {number(intercept)}")
        print("variables = [")
        for name in coefficients:
            print(f'    "{name}",')
        print("]")
        print()
        print(f"[{milieu}.coefficients]")
        for name, value in coefficients.items():
            print(f"{name} = {number(scale * value)}")
        print()
        print(f"[{milieu}.regional_effects]")
        for code, value in region_effects.items():
            print(f'"{code}" = {number(scale * (value - mean_region))}')


if __name__ == "__main__":
    main()
