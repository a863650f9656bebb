"""From a household declaration to model variables: the one documented place.

Each variable (feature) states its group (for the explanation), where its
facts come from (the household's declaration or the RNP), which milieus it
may be used in, and the sign a model's coefficient must have
(``positive``: more of it never lowers the score; ``negative``: never
raises it; ``free``: no rule). Counts are capped where more stops saying
anything about living standards, so that a cap is where the effect stops,
not where it reverses.

Choices that keep the score monotone where people expect it:
- dependants are one share (members under 15 or 60 and over): with separate
  shares, one more child would *raise* the score of a household with an
  elderly member, because the elderly share would fall;
- per-person ratios (spending, smartphones, rent) fall when a member joins,
  and their coefficients are positive, so a birth never raises the score.

All values are exact ratios of integers: the score is exact until its one
rounding, to 7 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.domain.declaration import age_on

GROUPS = ("composition", "education_work", "housing", "equipment", "spending", "location")
SOURCES = ("declared", "rnp")
CONSTRAINTS = ("positive", "negative", "free")
BOTH = ("urban", "rural")
RURAL = ("rural",)


CHILD_AGE_LIMIT = 15  # under 15
ELDERLY_AGE = 60  # 60 and over


@dataclass(frozen=True)
class Feature:
    name: str
    group: str
    source: str
    constraint: str
    milieus: tuple[str, ...] = BOTH


# The catalogue. Order matters only for display and for the model files.
FEATURES: tuple[Feature, ...] = (
    # Composition
    Feature("household_size", "composition", "declared", "negative"),
    Feature("household_size_squared", "composition", "declared", "positive"),
    Feature("share_dependants", "composition", "rnp", "negative"),
    Feature("members_with_disability", "composition", "declared", "negative"),
    # Education and work
    Feature("best_education_primary", "education_work", "declared", "positive"),
    Feature("best_education_secondary", "education_work", "declared", "positive"),
    Feature("best_education_higher", "education_work", "declared", "positive"),
    Feature("share_earners", "education_work", "declared", "positive"),
    Feature("workers_skilled", "education_work", "declared", "positive"),
    Feature("workers_salaried", "education_work", "declared", "positive"),
    Feature("workers_trade_craft", "education_work", "declared", "positive"),
    Feature("workers_farm", "education_work", "declared", "free"),
    Feature("workers_elementary", "education_work", "declared", "free"),
    Feature("members_contributory_coverage", "education_work", "declared", "positive"),
    # Housing
    Feature("persons_per_room", "housing", "declared", "negative"),
    Feature("dwelling_villa_or_apartment", "housing", "declared", "positive"),
    Feature("dwelling_traditional_or_rural", "housing", "declared", "free"),
    Feature("dwelling_makeshift", "housing", "declared", "negative"),
    Feature("owner_occupied", "housing", "declared", "free"),
    Feature("rent_per_person", "housing", "declared", "positive"),
    Feature("durable_walls", "housing", "declared", "positive"),
    Feature("concrete_roof", "housing", "declared", "positive"),
    Feature("water_network", "housing", "declared", "positive"),
    Feature("public_sewer", "housing", "declared", "positive"),
    Feature("no_sanitation", "housing", "declared", "negative"),
    Feature("individual_electricity_meter", "housing", "declared", "positive"),
    Feature("no_electricity", "housing", "declared", "negative"),
    Feature("cooking_with_wood", "housing", "declared", "negative"),
    # Equipment
    Feature("cars", "equipment", "declared", "positive"),
    Feature("motorcycles", "equipment", "declared", "positive"),
    Feature("tvs", "equipment", "declared", "positive"),
    Feature("satellite_dishes", "equipment", "declared", "positive"),
    Feature("refrigerators", "equipment", "declared", "positive"),
    Feature("washing_machines", "equipment", "declared", "positive"),
    Feature("computers", "equipment", "declared", "positive"),
    Feature("smartphones_per_person", "equipment", "declared", "positive"),
    Feature("air_conditioners", "equipment", "declared", "positive"),
    Feature("home_internet", "equipment", "declared", "positive"),
    Feature("cattle", "equipment", "declared", "positive", RURAL),
    Feature("sheep_goats_tens", "equipment", "declared", "positive", RURAL),
    Feature("farm_land_ha", "equipment", "declared", "positive", RURAL),
    Feature("tractors", "equipment", "declared", "positive", RURAL),
    # Spending (monthly, per person)
    Feature("electricity_per_person", "spending", "declared", "positive"),
    Feature("water_per_person", "spending", "declared", "positive"),
    Feature("telecom_per_person", "spending", "declared", "positive"),
    Feature("butane_per_person", "spending", "declared", "positive"),
)
FEATURES_BY_NAME = {f.name: f for f in FEATURES}

# Caps: beyond these, more says nothing more about living standards.
ASSET_CAPS = {
    "cars": 3,
    "motorcycles": 3,
    "tvs": 3,
    "satellite_dishes": 2,
    "refrigerators": 2,
    "washing_machines": 2,
    "computers": 3,
    "air_conditioners": 3,
    "tractors": 3,
    "cattle": 50,
}
CAP_SHEEP_GOATS_TENS = 50
CAP_FARM_LAND_HA = 100
CAP_SMARTPHONES_PER_PERSON = 2
CAP_RENT_PER_PERSON = 3000
CAP_SPENDING_PER_PERSON = {
    "electricity_bill": 1000,
    "water_bill": 500,
    "telecom": 1000,
    "butane_bottles": 5,
}

HOUSEHOLD_ASSETS = (
    "cars",
    "motorcycles",
    "tvs",
    "satellite_dishes",
    "refrigerators",
    "washing_machines",
    "computers",
    "air_conditioners",
)

SKILLED = frozenset({"public_employee", "professional", "manager"})
SALARIED = frozenset({"private_employee"})
TRADE_CRAFT = frozenset({"trader", "artisan"})
FARM = frozenset({"farmer", "farm_worker"})
ELEMENTARY = frozenset({"laborer", "domestic_worker"})
CONTRIBUTORY = frozenset({"amo_cnss", "cnops", "private"})
EARNING = frozenset({"employed", "self_employed"})


# A feature value is an exact ratio of two integers (numerator, denominator
# > 0): shares and per-person amounts stay exact, and the score can be
# computed with integers alone (see score.py), several times faster than
# with Decimal and without any rounding until the single, final one.
Ratio = tuple[int, int]
_ZERO: Ratio = (0, 1)
_ONE: Ratio = (1, 1)
# (n, 1) for the small counts that make most features: built once.
_WHOLE = tuple((i, 1) for i in range(256))


def _flag(condition: bool) -> Ratio:
    return _ONE if condition else _ZERO


def _count(value: Any, cap: int) -> Ratio:
    return _WHOLE[min(int(value or 0), cap)]


def _per(numerator: int, denominator: int, cap: int) -> Ratio:
    """numerator / denominator, capped at ``cap``."""
    return (cap, 1) if numerator > cap * denominator else (numerator, denominator)


def _hundredths(value: Any) -> int:
    """A decimal such as "12.5" (hectares) in hundredths, exactly."""
    return int((Decimal(str(value or "0")) * 100).to_integral_value())


def as_decimal(value: Ratio) -> Decimal:
    """For display and fitting: the ratio as a decimal (rounded to 28 digits)."""
    return Decimal(value[0]) / Decimal(value[1])


def extract_features(declaration: dict[str, Any]) -> dict[str, Ratio]:
    """Every feature's exact value for this declaration (rural ones only in the rural milieu)."""
    as_of = date.fromisoformat(declaration["as_of"])
    residence = declaration["residence"]
    members = declaration["members"]
    housing = declaration["housing"]
    assets = declaration["assets"]
    spending = declaration["spending"]
    rural = residence["milieu"] == "rural"

    n = len(members)
    dependants = disabled = earners = 0
    skilled = salaried = trade = farm = elementary = covered = 0
    best = "none"
    education_rank = _EDUCATION_RANK
    for member in members:
        age = age_on(date.fromisoformat(member["birth_date"]), as_of)
        if age < CHILD_AGE_LIMIT or age >= ELDERLY_AGE:
            dependants += 1
        if member.get("disability"):
            disabled += 1
        if member.get("activity") in EARNING:
            earners += 1
            occupation = member.get("occupation")
            if occupation in SKILLED:
                skilled += 1
            elif occupation in SALARIED:
                salaried += 1
            elif occupation in TRADE_CRAFT:
                trade += 1
            elif occupation in FARM:
                farm += 1
            elif occupation in ELEMENTARY:
                elementary += 1
        if member.get("health_coverage") in CONTRIBUTORY:
            covered += 1
        level = member.get("education") or "none"
        if education_rank[level] > education_rank[best]:
            best = level

    dwelling = housing["dwelling_type"]
    occupancy = housing["occupancy"]
    rent = int(housing.get("monthly_rent") or 0) if occupancy == "tenant" else 0
    rooms = max(int(housing["rooms"]), 1)
    whole = _WHOLE

    values: dict[str, Ratio] = {
        "household_size": (n, 1),
        "household_size_squared": (n * n, 1),
        "share_dependants": (dependants, n),
        "members_with_disability": whole[disabled],
        "best_education_primary": _flag(best == "primary"),
        "best_education_secondary": _flag(best in ("lower_secondary", "upper_secondary")),
        "best_education_higher": _flag(best == "higher"),
        "share_earners": (earners, n),
        "workers_skilled": whole[skilled],
        "workers_salaried": whole[salaried],
        "workers_trade_craft": whole[trade],
        "workers_farm": whole[farm],
        "workers_elementary": whole[elementary],
        "members_contributory_coverage": whole[covered],
        "persons_per_room": (n, rooms),
        "dwelling_villa_or_apartment": _flag(dwelling in ("villa", "apartment")),
        "dwelling_traditional_or_rural": _flag(dwelling in ("traditional_house", "rural_house")),
        "dwelling_makeshift": _flag(dwelling == "makeshift"),
        "owner_occupied": _flag(occupancy in ("owner", "owner_mortgage")),
        "rent_per_person": _per(rent, n, CAP_RENT_PER_PERSON),
        "durable_walls": _flag(housing["wall_material"] in ("concrete_brick", "stone")),
        "concrete_roof": _flag(housing["roof_material"] == "concrete_slab"),
        "water_network": _flag(housing["water_source"] == "network_in_dwelling"),
        "public_sewer": _flag(housing["sanitation"] == "public_sewer"),
        "no_sanitation": _flag(housing["sanitation"] == "none"),
        "individual_electricity_meter": _flag(housing["electricity"] == "individual_meter"),
        "no_electricity": _flag(housing["electricity"] == "none"),
        "cooking_with_wood": _flag(housing["cooking_energy"] == "wood_charcoal"),
        "smartphones_per_person": _per(
            int(assets.get("smartphones") or 0), n, CAP_SMARTPHONES_PER_PERSON
        ),
        "home_internet": _flag(bool(assets.get("home_internet"))),
    }
    for asset in HOUSEHOLD_ASSETS:
        values[asset] = _count(assets.get(asset), ASSET_CAPS[asset])
    for item, cap in CAP_SPENDING_PER_PERSON.items():
        values[_SPENDING_FEATURES[item]] = _per(int(spending.get(item) or 0), n, cap)
    if rural:
        values["cattle"] = _count(assets.get("cattle"), ASSET_CAPS["cattle"])
        values["tractors"] = _count(assets.get("tractors"), ASSET_CAPS["tractors"])
        values["sheep_goats_tens"] = _per(
            int(assets.get("sheep_goats") or 0), 10, CAP_SHEEP_GOATS_TENS
        )
        values["farm_land_ha"] = _per(
            _hundredths(assets.get("farm_land_ha")), 100, CAP_FARM_LAND_HA
        )
    return values


_EDUCATION_RANK = {
    "none": 0,
    "preschool": 0,
    "primary": 1,
    "lower_secondary": 2,
    "upper_secondary": 3,
    "higher": 4,
}
_SPENDING_FEATURES = {
    "electricity_bill": "electricity_per_person",
    "water_bill": "water_per_person",
    "telecom": "telecom_per_person",
    "butane_bottles": "butane_per_person",
}
