"""The shape of a household declaration, as stored in each version.

A declaration is a JSON document::

    {
      "as_of": "2026-11-28",              # the date the facts were declared
      "residence": {"region", "province", "milieu", "address", "phone"},
      "members": [                         # the declarant first
        {"idcs", "sex", "birth_date",      # from the RNP, never from the form
         "relation", "marital_status", "education", "in_school",
         "activity", "occupation", "disability", "health_coverage"}
      ],
      "housing": {"dwelling_type", "occupancy", "monthly_rent", "rooms",
                  "wall_material", "roof_material", "water_source",
                  "sanitation", "electricity", "cooking_energy"},
      "assets": {"cars", ..., "home_internet",
                 "cattle", "sheep_goats", "farm_land_ha", "tractors"},  # rural only
      "spending": {"electricity_bill", "water_bill", "telecom", "butane_bottles"}
    }

Ages are computed at ``as_of``, so that a score never moves just because
time passed: it moves when the data or the model changes, and says which.
"""

from __future__ import annotations

from datetime import date
from typing import Any

MEMBER_ANSWERS = (
    "relation",
    "marital_status",
    "education",
    "in_school",
    "activity",
    "occupation",
    "disability",
    "health_coverage",
)


def member_entry(idcs: str, sex: str, birth_date: date, answers: dict[str, Any]) -> dict[str, Any]:
    """A member as stored: identity facts from the RNP plus the declared answers."""
    entry: dict[str, Any] = {"idcs": idcs, "sex": sex, "birth_date": birth_date.isoformat()}
    for key in MEMBER_ANSWERS:
        entry[key] = answers.get(key)
    return entry


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day``."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def born_by_for_age(age: int, day: date) -> date:
    """The latest birth date of someone ``age`` or older on ``day``, so that a
    query can compare birth dates: ``age_on(born, day) >= age`` exactly when
    ``born <= born_by_for_age(age, day)`` (born on 29 February: 28 February
    in a common year)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February, and that year has none
        return day.replace(year=day.year - age, day=28)
