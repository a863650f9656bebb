"""Scoring models are data, validated on load: each error names the file and the key."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.scoring import ModelError, load_model, parse_model
from app.services.scoring import DEFAULT_MODEL_FILE

DEFAULT_TEXT = DEFAULT_MODEL_FILE.read_text()


def altered(pattern: str, replacement: str, count: int = 1) -> str:
    text, n = re.subn(pattern, replacement, DEFAULT_TEXT, count=count, flags=re.M)
    assert n, pattern
    return text


def test_the_default_model_is_valid_and_says_it_is_illustrative() -> None:
    model = load_model(DEFAULT_MODEL_FILE)
    assert model.illustrative
    assert "NOT the official HCP formula" in model.metadata["notice"]
    assert set(model.milieus) == {"urban", "rural"}
    assert (
        25
        <= len(model.milieus["rural"].coefficients)
        <= len(model.milieus["urban"].coefficients) + 5
    )
    assert all(isinstance(c, Decimal) for c in model.milieus["urban"].coefficients.values())


@pytest.mark.parametrize(
    ("pattern", "replacement", "key", "message"),
    [
        (
            r'^    "cars",$',
            '    "cars",\n    "yachts",',
            "urban.variables",
            "unknown variable 'yachts'",
        ),
        (r"^cars = .*$", "", "urban.coefficients.cars", "missing coefficient"),
        (r"^cars = .*$", "cars = -0.2", "urban.coefficients.cars", "must not be negative"),
        (
            r"^persons_per_room = .*$",
            "persons_per_room = 0.3",
            "urban.coefficients.persons_per_room",
            "must not be positive",
        ),
        (
            r'^    "cars",$',
            '    "cars",\n    "cattle",',
            "urban.variables",
            "not used in the urban milieu",
        ),
        (
            r'^"dakhla-oued-ed-dahab" = .*$',
            "",
            "urban.regional_effects.dakhla-oued-ed-dahab",
            "missing",
        ),
        (
            r'^"oriental" = .*$',
            '"oriental" = 0.01\n"atlantis" = 0.2',
            "urban.regional_effects.atlantis",
            "unknown region",
        ),
        (r"^intercept = .*$", "intercept = 8.123456789", "urban.intercept", "more than 7 decimals"),
        (
            r"^household_size_squared = .*$",
            "household_size_squared = 0.2",
            "urban.coefficients.household_size_squared",
            "raise the score",
        ),
        (r"^illustrative = true$", "", "metadata.illustrative", "must say"),
        (r"^effective_date = .*$", 'effective_date = "soon"', "effective_date", "must be a date"),
    ],
)
def test_invalid_models_are_refused_with_file_and_key(
    tmp_path: Path, pattern: str, replacement: str, key: str, message: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(altered(pattern, replacement))
    with pytest.raises(ModelError) as error:
        load_model(path)
    assert str(error.value).startswith(f"{path}: {key}: "), str(error.value)
    assert message in str(error.value)


def test_a_coefficient_not_listed_in_variables_is_refused() -> None:
    text = altered(r'^    "cars",\n', "", count=1)
    with pytest.raises(ModelError, match=r"urban.coefficients.cars: not listed in variables"):
        parse_model(text, "m.toml")


def test_not_toml_is_refused() -> None:
    with pytest.raises(ModelError, match=r"^m.toml: \(file\): not valid TOML"):
        parse_model("id = [", "m.toml")


def test_numbers_are_read_as_exact_decimals() -> None:
    model = parse_model(altered(r"^cars = .*$", "cars = 0.1234567"), "m.toml")
    assert model.milieus["urban"].coefficients["cars"] == Decimal("0.1234567")
