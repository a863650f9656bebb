"""Scoring models as data: TOML files, validated on load.

A model file holds::

    id = "pmt-2026-01-illustrative"
    effective_date = 2026-01-01
    [metadata]               # title, illustrative, source, calibration...
    [urban]                  # and [rural]
    intercept = 9.1
    variables = ["household_size", ...]
    [urban.coefficients]     # one per variable
    [urban.regional_effects] # one per region, all 12

Numbers are read as exact decimals (TOML floats never pass through binary
floating point here). Every error names the file and the key, so whoever
prepares a model can fix it without reading code.

Validation refuses:
- an unknown variable, or one not meant for that milieu (cattle in town);
- a listed variable without a coefficient, or a coefficient for an unlisted one;
- a coefficient whose sign breaks the variable's declared constraint;
- a household-size pair that would let one more member raise the score;
- a missing or unknown region.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain import geography
from app.domain.scoring.features import FEATURES_BY_NAME

MILIEUS = ("urban", "rural")
# The largest household the size pair is checked for.
MAX_HOUSEHOLD_SIZE = 30


class ModelError(ValueError):
    """A model file is not valid. The message names the file and the key."""

    def __init__(self, source: str, key: str, message: str) -> None:
        super().__init__(f"{source}: {key}: {message}")
        self.source = source
        self.key = key


# Every number of a model has at most 7 decimals, so in units of 1e-7 it is
# an exact integer: the score is then computed with integers alone.
UNITS = 10**7


def in_units(value: Decimal) -> int:
    return int(value.scaleb(7))


@dataclass(frozen=True)
class MilieuModel:
    intercept: Decimal
    coefficients: dict[str, Decimal]
    regional_effects: dict[str, Decimal]
    # The same numbers in units of 1e-7, for computing.
    intercept_units: int = field(init=False)
    coefficient_units: tuple[tuple[str, int], ...] = field(init=False)
    regional_units: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "intercept_units", in_units(self.intercept))
        units = tuple((name, in_units(c)) for name, c in self.coefficients.items() if c)
        object.__setattr__(self, "coefficient_units", units)
        regional = {code: in_units(v) for code, v in self.regional_effects.items()}
        object.__setattr__(self, "regional_units", regional)

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self.coefficients)


@dataclass(frozen=True)
class ScoringModel:
    id: str
    effective_date: date
    metadata: dict[str, Any]
    milieus: dict[str, MilieuModel]
    sha256: str = ""
    source_text: str = field(default="", compare=False, repr=False)

    @property
    def illustrative(self) -> bool:
        return bool(self.metadata.get("illustrative"))


def _decimal(source: str, key: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ModelError(source, key, f"must be a number, not {value!r}")
    return Decimal(value)


def _seven_decimals(source: str, key: str, value: Decimal) -> Decimal:
    """Scores have 7 decimals, and so does every number of a model."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -7:
        raise ModelError(source, key, "has more than 7 decimals")
    return value


def _milieu(source: str, milieu: str, raw: Any) -> MilieuModel:
    if not isinstance(raw, dict):
        raise ModelError(source, milieu, "missing section")
    for key in ("intercept", "variables", "coefficients", "regional_effects"):
        if key not in raw:
            raise ModelError(source, f"{milieu}.{key}", "missing")
    variables = raw["variables"]
    if not isinstance(variables, list) or not variables:
        raise ModelError(source, f"{milieu}.variables", "must be a non-empty list")
    if len(set(variables)) != len(variables):
        raise ModelError(source, f"{milieu}.variables", "lists a variable twice")

    coefficients_raw = raw["coefficients"]
    coefficients: dict[str, Decimal] = {}
    for name in variables:
        key = f"{milieu}.coefficients.{name}"
        feature = FEATURES_BY_NAME.get(name)
        if feature is None:
            raise ModelError(source, f"{milieu}.variables", f"unknown variable {name!r}")
        if milieu not in feature.milieus:
            raise ModelError(
                source, f"{milieu}.variables", f"{name!r} is not used in the {milieu} milieu"
            )
        if name not in coefficients_raw:
            raise ModelError(source, key, "missing coefficient")
        value = _seven_decimals(source, key, _decimal(source, key, coefficients_raw[name]))
        if feature.constraint == "positive" and value < 0:
            raise ModelError(
                source, key, f"must not be negative (more {name} never lowers the score)"
            )
        if feature.constraint == "negative" and value > 0:
            raise ModelError(
                source, key, f"must not be positive (more {name} never raises the score)"
            )
        coefficients[name] = value
    extra = set(coefficients_raw) - set(variables)
    if extra:
        raise ModelError(
            source, f"{milieu}.coefficients.{sorted(extra)[0]}", "not listed in variables"
        )
    _check_size_pair(source, milieu, coefficients)

    regions_raw = raw["regional_effects"]
    known = set(geography.region_codes())
    unknown = set(regions_raw) - known
    if unknown:
        raise ModelError(
            source, f"{milieu}.regional_effects.{sorted(unknown)[0]}", "unknown region"
        )
    regional: dict[str, Decimal] = {}
    for code in geography.region_codes():
        key = f"{milieu}.regional_effects.{code}"
        if code not in regions_raw:
            raise ModelError(source, key, "missing regional effect")
        regional[code] = _seven_decimals(source, key, _decimal(source, key, regions_raw[code]))

    key = f"{milieu}.intercept"
    intercept = _seven_decimals(source, key, _decimal(source, key, raw["intercept"]))
    return MilieuModel(intercept=intercept, coefficients=coefficients, regional_effects=regional)


def _check_size_pair(source: str, milieu: str, coefficients: dict[str, Decimal]) -> None:
    """One more member must never raise the score through size and size squared."""
    linear = coefficients.get("household_size", Decimal(0))
    squared = coefficients.get("household_size_squared", Decimal(0))
    for size in range(1, MAX_HOUSEHOLD_SIZE):
        if linear + squared * (2 * size + 1) > 0:
            raise ModelError(
                source,
                f"{milieu}.coefficients.household_size_squared",
                f"lets a member joining a household of {size} raise the score",
            )


def parse_model(text: str, source: str = "<model>") -> ScoringModel:
    try:
        raw = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise ModelError(source, "(file)", f"not valid TOML: {error}") from error
    model_id = raw.get("id")
    if not isinstance(model_id, str) or not model_id.strip():
        raise ModelError(source, "id", "missing")
    if len(model_id) > 60:
        raise ModelError(source, "id", "longer than 60 characters")
    effective = raw.get("effective_date")
    if not isinstance(effective, date):
        raise ModelError(source, "effective_date", "must be a date such as 2026-01-01")
    metadata = raw.get("metadata")
    if not isinstance(metadata, dict):
        raise ModelError(source, "metadata", "missing section")
    if "illustrative" not in metadata:
        raise ModelError(
            source, "metadata.illustrative", "must say whether the model is illustrative"
        )
    unknown_sections = set(raw) - {"id", "effective_date", "metadata", *MILIEUS}
    if unknown_sections:
        raise ModelError(source, sorted(unknown_sections)[0], "unknown section")
    milieus = {milieu: _milieu(source, milieu, raw.get(milieu)) for milieu in MILIEUS}
    return ScoringModel(
        id=model_id,
        effective_date=effective,
        metadata=dict(metadata),
        milieus=milieus,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        source_text=text,
    )


def load_model(path: str | Path) -> ScoringModel:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ModelError(str(path), "(file)", f"cannot be read: {error.strerror}") from error
    return parse_model(text, str(path))
