"""A synthetic population of households, for demos, tests and benchmarks.

Pure and deterministic: the same seed gives the same households. Each
household draws a hidden living standard (``wealth``, standard normal) that
shapes everything else together, as in real life: education, jobs, housing,
equipment and spending move with it, differently in towns and in the
countryside. Regions are drawn by population, and each region has its own
urban share.

Nothing here is real data; names are common Moroccan names paired at random.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.domain import codes, geography, validation

# Approximate shares of the population and urban shares (2024 census, rounded).
REGION_WEIGHTS: dict[str, tuple[float, float]] = {
    "tanger-tetouan-al-hoceima": (10.5, 0.63),
    "oriental": (6.6, 0.68),
    "fes-meknes": (11.9, 0.62),
    "rabat-sale-kenitra": (13.7, 0.71),
    "beni-mellal-khenifra": (7.1, 0.50),
    "casablanca-settat": (20.3, 0.75),
    "marrakech-safi": (12.9, 0.45),
    "draa-tafilalet": (4.4, 0.37),
    "souss-massa": (8.3, 0.58),
    "guelmim-oued-noun": (1.2, 0.67),
    "laayoune-sakia-el-hamra": (1.1, 0.94),
    "dakhla-oued-ed-dahab": (0.6, 0.77),
}

SIZE_WEIGHTS = {
    "urban": (6, 12, 18, 22, 18, 11, 7, 3, 2, 1),
    "rural": (4, 8, 13, 17, 18, 15, 11, 7, 4, 3),
}

# Names and streets are data: app/data/synthetic_names.json.
_NAMES = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "synthetic_names.json").read_bytes()
)
MALE_NAMES: tuple[tuple[str, str], ...] = tuple((latin, ar) for latin, ar in _NAMES["male_names"])
FEMALE_NAMES: tuple[tuple[str, str], ...] = tuple(
    (latin, ar) for latin, ar in _NAMES["female_names"]
)
FAMILY_NAMES: tuple[tuple[str, str], ...] = tuple(
    (latin, ar) for latin, ar in _NAMES["family_names"]
)
STREETS: tuple[str, ...] = tuple(_NAMES["streets"])


@dataclass(slots=True)
class SyntheticPerson:
    idcs: str
    first_name_latin: str
    first_name_ar: str
    last_name_latin: str
    last_name_ar: str
    birth_date: date
    sex: str
    phone: str | None


@dataclass(slots=True)
class SyntheticHousehold:
    persons: list[SyntheticPerson]  # the declarant first, in declaration order
    declaration: dict[str, Any]
    wealth: float = field(default=0.0)

    @property
    def region(self) -> str:
        return str(self.declaration["residence"]["region"])


def idcs_for_serial(serial: int) -> str:
    """Synthetic IDCS numbers start with 2; demo people's start with 1."""
    if not 0 <= serial < 1_000_000_000:
        raise ValueError("synthetic serial out of range")
    return f"2{serial:09d}"


class _Draw:
    """Small helpers over one Random, so the generator reads like a questionnaire."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: tuple[str, ...], weights: tuple[float, ...]) -> str:
        """One option, by weight. Weights computed from wealth may dip below zero:
        they are floored so every option stays possible, however unlikely."""
        return self.rng.choices(options, [max(0.01, w) for w in weights])[0]

    def count(self, mean: float, cap: int) -> int:
        """A Poisson-like count (Knuth's method), capped at a plausible maximum."""
        if mean <= 0:
            return 0
        limit = math.exp(-mean)
        k, p = 0, self.rng.random()
        while p > limit and k < cap:
            k += 1
            p *= self.rng.random()
        return k


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class PopulationGenerator:
    def __init__(self, seed: int, as_of: date, first_serial: int = 0) -> None:
        self.rng = random.Random(seed)  # noqa: S311  (synthetic data, not secrets)
        self.draw = _Draw(self.rng)
        self.as_of = as_of
        self.serial = first_serial
        self.region_codes = tuple(REGION_WEIGHTS)
        self.region_weights = tuple(w for w, _ in REGION_WEIGHTS.values())
        self.provinces = {r.code: tuple(p.code for p in r.provinces) for r in geography.regions()}

    # -- people ---------------------------------------------------------------

    def _person(self, sex: str, age: int, family: tuple[str, str]) -> SyntheticPerson:
        first = self.rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
        born = self.as_of - timedelta(days=int(age * 365.25) + self.rng.randrange(365))
        phone = None
        if age >= 16:
            phone = f"+212{self.rng.choice('67')}{self.rng.randrange(10**8):08d}"
        person = SyntheticPerson(
            idcs=idcs_for_serial(self.serial),
            first_name_latin=first[0],
            first_name_ar=first[1],
            last_name_latin=family[0],
            last_name_ar=family[1],
            birth_date=born,
            sex=sex,
            phone=phone,
        )
        self.serial += 1
        return person

    def _composition(self, size: int) -> list[tuple[str, str, int]]:
        """(relation, sex, age) for each member, the declarant first."""
        draw = self.draw
        declarant_sex = "M" if draw.chance(0.78) else "F"
        declarant_age = self.rng.randint(22, 78) if size > 1 else self.rng.randint(20, 85)
        members = [("self", declarant_sex, declarant_age)]
        remaining = size - 1
        if remaining and draw.chance(0.8 if declarant_sex == "M" else 0.35):
            spouse_sex = "F" if declarant_sex == "M" else "M"
            spouse_age = max(18, declarant_age + self.rng.randint(-10, 4))
            members.append(("spouse", spouse_sex, spouse_age))
            remaining -= 1
        if remaining >= 2 and draw.chance(0.15):
            members.append(
                (
                    "parent",
                    "F" if draw.chance(0.7) else "M",
                    min(95, declarant_age + self.rng.randint(20, 32)),
                )
            )
            remaining -= 1
        oldest_child = max(0, declarant_age - 19)
        for _ in range(remaining):
            if oldest_child > 0 and draw.chance(0.88):
                members.append(
                    ("child", self.rng.choice("MF"), self.rng.randint(0, min(oldest_child, 35)))
                )
            elif declarant_age > 50 and draw.chance(0.5):
                members.append(("grandchild", self.rng.choice("MF"), self.rng.randint(0, 12)))
            else:
                members.append(("other_relative", self.rng.choice("MF"), self.rng.randint(5, 70)))
        return members

    def _member_answers(
        self, relation: str, sex: str, age: int, milieu: str, wealth: float
    ) -> dict[str, Any]:
        # The order of the draws is the population: keep it, or every seed changes.
        rural = milieu == "rural"
        education = self._education(age, rural, wealth)
        in_school = None
        if validation.asks_schooling(age):
            base = 2.5 if age <= 14 else (0.5 if age <= 17 else -1.0)
            in_school = self.draw.chance(_logistic(base + wealth - (0.8 if rural else 0)))
        activity = self._activity(relation, sex, age, rural, wealth, in_school)
        occupation = None
        if validation.asks_occupation(activity):
            occupation = self._occupation(rural, wealth)
        marital_status = self._marital_status(relation, age)
        health_coverage = self._health_coverage(occupation, wealth)
        return {
            "relation": relation,
            "marital_status": marital_status,
            "education": education,
            "in_school": in_school,
            "activity": activity,
            "occupation": occupation,
            "disability": self.draw.chance(0.035 + (0.05 if age > 65 else 0)),
            "health_coverage": health_coverage,
        }

    def _education(self, age: int, rural: bool, wealth: float) -> str:
        """By age, place and living standard; never beyond what the age allows."""
        if age < 4:
            return "none"
        if age < 6:
            chance = _logistic(wealth - (1.2 if rural else 0))
            return "preschool" if self.draw.chance(chance) else "none"
        level = wealth + self.rng.gauss(0, 1) - (0.9 if rural else 0.0) - (0.6 if age > 55 else 0)
        ladder = ("none", "primary", "lower_secondary", "upper_secondary", "higher")
        education = ladder[sum(level > cut for cut in (-1.0, 0.0, 0.7, 1.5))]
        if age < 12 and education not in ("none", "primary"):
            return "primary"
        if age < 15 and education in ("upper_secondary", "higher"):
            return "lower_secondary"
        if age < codes.ADULT_AGE and education == "higher":
            return "upper_secondary"
        return education

    def _activity(
        self, relation: str, sex: str, age: int, rural: bool, wealth: float, in_school: bool | None
    ) -> str:
        draw = self.draw
        if age < 15:
            return "student" if in_school else "other"
        if in_school:
            return "student"
        if age >= 65:
            return "retired" if draw.chance(_logistic(wealth - 0.5)) else "other"
        works = 0.82 if sex == "M" else (0.22 + (0.1 if relation == "self" else 0))
        if draw.chance(works):
            return "employed" if draw.chance(0.55 if not rural else 0.35) else "self_employed"
        if sex == "F":
            return "homemaker"
        return "unemployed" if draw.chance(0.7) else "unable_to_work"

    def _occupation(self, rural: bool, wealth: float) -> str:
        skill = wealth + self.rng.gauss(0, 0.8)
        # (occupation, weight): skill moves people up the list.
        if rural:
            weighted: tuple[tuple[str, float], ...] = (
                ("farm_worker", 3 - skill),
                ("farmer", 3 + skill * 0.5),
                ("laborer", 2),
                ("trader", 1 + skill * 0.5),
                ("artisan", 1),
                ("public_employee", max(0.1, skill)),
            )
        else:
            weighted = (
                ("laborer", 3 - skill),
                ("domestic_worker", 1.2 - skill * 0.5),
                ("artisan", 2),
                ("trader", 2),
                ("private_employee", 2 + skill),
                ("public_employee", 1 + skill),
                ("professional", skill),
                ("manager", skill - 0.5),
            )
        options = tuple(name for name, _weight in weighted)
        return self.draw.pick(options, tuple(max(0.05, weight) for _name, weight in weighted))

    def _marital_status(self, relation: str, age: int) -> str:
        if age < codes.ADULT_AGE:
            marital = "single"
        elif relation in ("self", "spouse") and age > 22:
            marital = self.draw.pick(
                ("married", "divorced", "widowed", "single"), (80, 6, 6 + age / 10, 5)
            )
        else:
            marital = self.draw.pick(
                ("single", "married", "divorced", "widowed"),
                (40, max(0, age - 24) * 2, max(0, age - 28) / 5, max(0, age - 50) / 2),
            )
        # A spouse is married; the draw above stays, or every later draw would move.
        return "married" if relation == "spouse" else marital

    def _health_coverage(self, occupation: str | None, wealth: float) -> str:
        if occupation == "public_employee":
            return "cnops"
        if occupation in ("private_employee", "manager") or (
            occupation == "professional" and wealth > 0
        ):
            return "amo_cnss"
        if wealth > 1.6 and self.draw.chance(0.4):
            return "private"
        return "amo_tadamon" if self.draw.chance(0.7) else "none"

    # -- household ------------------------------------------------------------

    def _housing(self, milieu: str, size: int, wealth: float) -> dict[str, Any]:
        draw = self.draw
        if milieu == "urban":
            dwelling = draw.pick(
                ("villa", "apartment", "modern_house", "traditional_house", "makeshift", "other"),
                (
                    max(0.01, wealth - 1.2),
                    2 + wealth,
                    4,
                    2 - wealth * 0.5,
                    max(0.05, -wealth * 0.6),
                    0.1,
                ),
            )
            occupancy = draw.pick(
                ("owner", "owner_mortgage", "tenant", "free_lodging", "employer_provided"),
                (5 + wealth, max(0.1, 1 + wealth), 3, 0.8, 0.2),
            )
        else:
            dwelling = draw.pick(
                ("rural_house", "modern_house", "traditional_house", "makeshift", "other"),
                (5, 1 + wealth, 2, max(0.1, -wealth * 0.5), 0.1),
            )
            occupancy = draw.pick(("owner", "tenant", "free_lodging", "other"), (8, 0.6, 1.2, 0.2))
        rent = None
        if occupancy == "tenant":
            base = 1400 if milieu == "urban" else 600
            rent = max(200, int(round(base * math.exp(0.45 * wealth + self.rng.gauss(0, 0.2)), -1)))
        rooms = max(1, min(10, round(1 + size * 0.35 + wealth * 0.7 + self.rng.gauss(0, 0.7))))
        good = wealth + (0.8 if milieu == "urban" else -0.6)
        wall = draw.pick(
            ("concrete_brick", "stone", "earth", "wood_metal", "other"),
            (3 + good * 2, 1, max(0.1, 1.5 - good), 0.3, 0.1),
        )
        roof = draw.pick(
            ("concrete_slab", "tile_metal_sheet", "wood_reed", "other"),
            (3 + good * 2, 1, max(0.1, 1 - good), 0.1),
        )
        water = draw.pick(
            ("network_in_dwelling", "public_standpipe", "well", "other"),
            (max(0.2, 3 + good * 2), max(0.1, 1 - good * 0.5), max(0.1, 1.2 - good), 0.1),
        )
        sanitation = draw.pick(
            ("public_sewer", "septic_tank", "none"),
            (max(0.1, 2 + good * 2), 1.5, max(0.1, 1 - good)),
        )
        electricity = draw.pick(
            ("individual_meter", "shared_meter", "solar", "none"),
            (5 + good, 1, 0.3 if milieu == "rural" else 0.02, max(0.02, -good * 0.2)),
        )
        cooking = draw.pick(
            ("butane", "electricity", "wood_charcoal", "other"),
            (8, max(0.05, wealth * 0.4), max(0.1, 1 - good), 0.1),
        )
        return {
            "dwelling_type": dwelling,
            "occupancy": occupancy,
            "monthly_rent": rent,
            "rooms": rooms,
            "wall_material": wall,
            "roof_material": roof,
            "water_source": water,
            "sanitation": sanitation,
            "electricity": electricity,
            "cooking_energy": cooking,
        }

    def _assets(self, milieu: str, adults: int, wealth: float, has_power: bool) -> dict[str, Any]:
        draw = self.draw
        e = math.exp
        assets: dict[str, Any] = {
            "cars": draw.count(0.35 * e(1.1 * wealth), 4),
            "motorcycles": draw.count(0.25 * e(0.3 * wealth), 3),
            "tvs": draw.count(1.1 * e(0.35 * wealth), 6) if has_power else 0,
            "satellite_dishes": draw.count(0.7 * e(0.2 * wealth), 3) if has_power else 0,
            "refrigerators": min(3, draw.count(0.85 * e(0.5 * wealth), 3)) if has_power else 0,
            "washing_machines": draw.count(0.45 * e(0.8 * wealth), 2) if has_power else 0,
            "computers": draw.count(0.3 * e(1.0 * wealth), 5),
            "smartphones": min(adults + 2, draw.count(adults * 0.8 * e(0.3 * wealth), 10)),
            "air_conditioners": draw.count(0.08 * e(1.4 * wealth), 5) if has_power else 0,
            "home_internet": draw.chance(
                _logistic(1.3 * wealth - (1.5 if milieu == "rural" else 0.2))
            ),
        }
        if milieu == "rural":
            farming = draw.chance(0.6)
            assets.update(
                {
                    "cattle": draw.count(1.5 * e(0.4 * wealth), 30) if farming else 0,
                    "sheep_goats": draw.count(6 * e(0.4 * wealth), 200) if farming else 0,
                    "farm_land_ha": f"{self._hectares(wealth) if farming else 0.0:.2f}",
                    "tractors": draw.count(0.05 * e(1.5 * wealth), 3) if farming else 0,
                }
            )
        return assets

    def _hectares(self, wealth: float) -> float:
        return max(0.0, self.rng.lognormvariate(0.3 + 0.5 * wealth, 0.8))

    def _spending(
        self, milieu: str, size: int, wealth: float, housing: dict[str, Any]
    ) -> dict[str, Any]:
        noise = self.rng.gauss
        factor = math.exp(0.5 * wealth)
        electricity = 0
        if housing["electricity"] in ("individual_meter", "shared_meter"):
            electricity = int(max(40, (90 + 18 * size) * factor * math.exp(noise(0, 0.25))))
        water = 0
        if housing["water_source"] == "network_in_dwelling":
            water = int(max(20, (35 + 10 * size) * factor * math.exp(noise(0, 0.25))))
        telecom = int(max(0, (40 + 25 * min(size, 5)) * factor * math.exp(noise(0, 0.35))))
        bottles = max(
            0, round((1.2 + 0.25 * size) * (1.1 if milieu == "urban" else 0.8) + noise(0, 0.6))
        )
        if housing["cooking_energy"] == "wood_charcoal":
            bottles = max(0, bottles - 2)
        return {
            "electricity_bill": electricity,
            "water_bill": water,
            "telecom": telecom,
            "butane_bottles": bottles,
        }

    def household(self) -> SyntheticHousehold:
        rng = self.rng
        region = rng.choices(self.region_codes, self.region_weights)[0]
        urban_share = REGION_WEIGHTS[region][1]
        milieu = "urban" if rng.random() < urban_share else "rural"
        # The register skews poorer than the population, and the countryside more so.
        wealth = rng.gauss(-0.15 if milieu == "urban" else -0.55, 1.0)
        size_weights = SIZE_WEIGHTS[milieu]
        size = rng.choices(range(1, len(size_weights) + 1), size_weights)[0]
        if size == len(size_weights) and rng.random() < 0.3:
            size += rng.randint(1, 3)  # a few large households, up to 13

        family = rng.choice(FAMILY_NAMES)
        composition = self._composition(size)
        persons: list[SyntheticPerson] = []
        members: list[dict[str, Any]] = []
        for relation, sex, age in composition:
            person_family = (
                family if relation in ("self", "child", "grandchild") else rng.choice(FAMILY_NAMES)
            )
            person = self._person(sex, age, person_family)
            persons.append(person)
            answers = self._member_answers(relation, sex, age, milieu, wealth)
            members.append(
                {
                    "idcs": person.idcs,
                    "sex": sex,
                    "birth_date": person.birth_date.isoformat(),
                    **answers,
                }
            )
        adults = sum(1 for _, _, age in composition if age >= 18)
        housing = self._housing(milieu, size, wealth)
        has_power = housing["electricity"] != "none"
        declaration = {
            "as_of": self.as_of.isoformat(),
            "residence": {
                "region": region,
                "province": rng.choice(self.provinces[region]),
                "milieu": milieu,
                "address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                "phone": persons[0].phone,
            },
            "members": members,
            "housing": housing,
            "assets": self._assets(milieu, adults, wealth, has_power),
            "spending": self._spending(milieu, size, wealth, housing),
        }
        return SyntheticHousehold(persons=persons, declaration=declaration, wealth=wealth)


def generate(
    count: int, *, seed: int, as_of: date, first_serial: int = 0
) -> Iterator[SyntheticHousehold]:
    """Yield ``count`` households. Serials of their members start at ``first_serial``."""
    generator = PopulationGenerator(seed, as_of, first_serial)
    for _ in range(count):
        yield generator.household()
