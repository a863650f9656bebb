"""Properties of the score, checked with hypothesis over generated declarations."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import codes, geography
from app.domain.scoring import compute_score, load_model
from app.domain.scoring.features import HOUSEHOLD_ASSETS
from app.domain.scoring.programmes import Programme
from app.services.scoring import DEFAULT_MODEL_FILE

MODEL = load_model(DEFAULT_MODEL_FILE)
AS_OF = date(2026, 11, 1)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def members(draw: st.DrawFn, relation: str, min_age: int, max_age: int) -> dict[str, Any]:
    age = draw(st.integers(min_age, max_age))
    activity = draw(st.sampled_from(codes.ACTIVITIES))
    return {
        "idcs": "2" + draw(st.text("0123456789", min_size=9, max_size=9)),
        "sex": draw(st.sampled_from("FM")),
        "birth_date": (AS_OF - timedelta(days=age * 366 + 1)).isoformat(),
        "relation": relation,
        "marital_status": draw(st.sampled_from(codes.MARITAL_STATUSES)),
        "education": draw(st.sampled_from(codes.EDUCATION_LEVELS)),
        "in_school": draw(st.booleans()) if 5 <= age <= 24 else None,
        "activity": activity,
        "occupation": draw(st.sampled_from(codes.OCCUPATIONS))
        if activity in codes.WORKING_ACTIVITIES
        else None,
        "disability": draw(st.booleans()),
        "health_coverage": draw(st.sampled_from(codes.HEALTH_COVERAGES)),
    }


@st.composite
def declarations(draw: st.DrawFn) -> dict[str, Any]:
    region = draw(st.sampled_from(geography.regions()))
    milieu = draw(st.sampled_from(codes.MILIEUS))
    people = [draw(members("self", 18, 90))]
    people += draw(st.lists(members("child", 0, 40), max_size=11))
    occupancy = draw(st.sampled_from(codes.OCCUPANCIES))
    assets: dict[str, Any] = {name: draw(st.integers(0, 6)) for name in HOUSEHOLD_ASSETS}
    assets["smartphones"] = draw(st.integers(0, 12))
    assets["home_internet"] = draw(st.booleans())
    if milieu == "rural":
        assets.update(
            cattle=draw(st.integers(0, 60)),
            sheep_goats=draw(st.integers(0, 600)),
            tractors=draw(st.integers(0, 4)),
            farm_land_ha=str(draw(st.decimals(0, 150, places=2))),
        )
    return {
        "as_of": AS_OF.isoformat(),
        "residence": {
            "region": region.code,
            "province": region.provinces[0].code,
            "milieu": milieu,
            "address": "1 rue",
            "phone": "+212600000000",
        },
        "members": people,
        "housing": {
            "dwelling_type": draw(st.sampled_from(codes.DWELLING_TYPES)),
            "occupancy": occupancy,
            "monthly_rent": draw(st.integers(0, 8000)) if occupancy == "tenant" else None,
            "rooms": draw(st.integers(1, 12)),
            "wall_material": draw(st.sampled_from(codes.WALL_MATERIALS)),
            "roof_material": draw(st.sampled_from(codes.ROOF_MATERIALS)),
            "water_source": draw(st.sampled_from(codes.WATER_SOURCES)),
            "sanitation": draw(st.sampled_from(codes.SANITATIONS)),
            "electricity": draw(st.sampled_from(codes.ELECTRICITY_SOURCES)),
            "cooking_energy": draw(st.sampled_from(codes.COOKING_ENERGIES)),
        },
        "assets": assets,
        "spending": {
            "electricity_bill": draw(st.integers(0, 3000)),
            "water_bill": draw(st.integers(0, 1500)),
            "telecom": draw(st.integers(0, 3000)),
            "butane_bottles": draw(st.integers(0, 12)),
        },
    }


def score(declaration: dict[str, Any]) -> Decimal:
    return compute_score(declaration, MODEL).value


@SETTINGS
@given(declarations())
def test_the_same_input_always_gives_the_same_score(declaration: dict[str, Any]) -> None:
    first = compute_score(declaration, MODEL)
    again = compute_score(copy.deepcopy(declaration), MODEL)
    assert first == again


@SETTINGS
@given(declarations())
def test_contributions_add_up_exactly_to_the_score(declaration: dict[str, Any]) -> None:
    result = compute_score(declaration, MODEL)
    total = (
        result.intercept + sum(result.contributions.values(), Decimal(0)) + result.regional_effect
    )
    assert total == result.value
    assert result.value == result.value.quantize(Decimal("0.0000001"))


@SETTINGS
@given(
    declarations(),
    st.sampled_from((*HOUSEHOLD_ASSETS, "smartphones", "cattle", "sheep_goats", "tractors")),
)
def test_one_more_asset_never_lowers_the_score(declaration: dict[str, Any], asset: str) -> None:
    if asset not in declaration["assets"]:
        return  # rural assets exist only in the rural milieu
    richer = copy.deepcopy(declaration)
    richer["assets"][asset] += 1
    assert score(richer) >= score(declaration)


@SETTINGS
@given(
    declarations(),
    st.sampled_from(("electricity_bill", "water_bill", "telecom", "butane_bottles")),
    st.integers(1, 500),
)
def test_spending_more_never_lowers_the_score(
    declaration: dict[str, Any], item: str, more: int
) -> None:
    richer = copy.deepcopy(declaration)
    richer["spending"][item] += more
    assert score(richer) >= score(declaration)


@SETTINGS
@given(declarations())
def test_one_more_room_never_lowers_the_score(declaration: dict[str, Any]) -> None:
    bigger = copy.deepcopy(declaration)
    bigger["housing"]["rooms"] += 1
    assert score(bigger) >= score(declaration)


@SETTINGS
@given(declarations(), members("child", 0, 4))
def test_a_birth_never_raises_the_score(declaration: dict[str, Any], child: dict[str, Any]) -> None:
    """A newborn (or a young child joining): no schooling, no work, no cover of their own."""
    child = {
        **child,
        "education": "none",
        "in_school": None,
        "activity": "other",
        "occupation": None,
        "health_coverage": "none",
    }
    larger = copy.deepcopy(declaration)
    larger["members"].append(child)
    assert score(larger) <= score(declaration)


@SETTINGS
@given(declarations(), st.integers(0, 11))
def test_a_disability_never_raises_the_score(declaration: dict[str, Any], index: int) -> None:
    people = declaration["members"]
    member = people[index % len(people)]
    with_disability = copy.deepcopy(declaration)
    with_disability["members"][index % len(people)] = {**member, "disability": True}
    without = copy.deepcopy(declaration)
    without["members"][index % len(people)] = {**member, "disability": False}
    assert score(with_disability) <= score(without)


@SETTINGS
@given(declarations())
def test_a_network_connection_never_lowers_the_score(declaration: dict[str, Any]) -> None:
    connected = copy.deepcopy(declaration)
    connected["housing"]["water_source"] = "network_in_dwelling"
    off_network = copy.deepcopy(declaration)
    off_network["housing"]["water_source"] = "public_standpipe"
    assert score(connected) >= score(off_network)


@given(
    st.decimals(min_value=Decimal("5"), max_value=Decimal("15"), places=7),
    st.sampled_from(("at_most", "above")),
)
def test_eligibility_flips_exactly_at_the_threshold(threshold: Decimal, rule: str) -> None:
    programme = Programme("p", rule, threshold, AS_OF)
    step = Decimal("0.0000001")
    at_most = rule == "at_most"
    assert programme.admits(threshold) is at_most
    assert programme.admits(threshold - step) is at_most
    assert programme.admits(threshold + step) is not at_most


def test_no_rounding_before_comparing() -> None:
    tadamon = Programme("amo_tadamon", "at_most", Decimal("9.3264284"), AS_OF)
    assert tadamon.admits(Decimal("9.3264284"))
    # 9.32642845 would display as 9,3264285 or 9,3264284 depending on rounding; it is above.
    assert not tadamon.admits(Decimal("9.32642841"))


@given(st.integers(-(10**12), 10**12))
def test_units_print_like_the_decimal_they_stand_for(units: int) -> None:
    from app.domain.scoring.score import units_to_decimal, units_to_text

    text = units_to_text(units)
    assert Decimal(text) == units_to_decimal(units)
    assert len(text.split(".")[1]) == 7


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**4))
def test_half_even_rounding_of_integer_ratios(numerator: int, denominator: int) -> None:
    from decimal import ROUND_HALF_EVEN
    from decimal import Decimal as D

    from app.domain.scoring.score import round_half_even

    exact = (D(numerator) / D(denominator)).quantize(D(1), rounding=ROUND_HALF_EVEN)
    assert round_half_even(numerator, denominator) == int(exact)
