"""The rules of the household questionnaire: one source for every check.

Each section validator takes the raw answers as typed (strings from a form)
and returns the clean values and the errors. The same functions serve the
inline check of one field (htmx, on change), the save of a section, the final
submission, changes declared later, and corrections by reviewers.

Errors are codes with parameters (``Problem``); the web layer turns them into
sentences in the reader's language (``app/web/messages.py``).

Bounds (docs/domain.md): impossible values are refused (0 rooms, a negative
amount, a birth in the future, 40 cars); unusual but possible ones are
accepted (12 members, no spending at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain import codes, geography
from app.domain.declaration import MEMBER_ANSWERS
from app.domain.errors import Problem
from app.domain.input_rules import ADDRESS_MAX, bounded_int, plausible_birth_date

MAX_MEMBERS = 30


@dataclass
class Checked:
    """Clean values and problems of one section, field by field."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems


# -- single answers -------------------------------------------------------------


# Digits typed on an Arabic keyboard (٠١٢٣ or ۰۱۲۳) are the same numbers.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


def _is_number(text: str) -> bool:
    """Only 0-9: "²" or "٣" pass str.isdigit() but are not what a count is typed with."""
    return text.isascii() and text.isdecimal()


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else ascii_digits(str(value)).strip()


def _choice(out: Checked, raw: dict[str, Any], name: str, options: tuple[str, ...]) -> None:
    value = _text(raw, name)
    if not value or value not in options:
        out.problems[name] = Problem("choose")
    else:
        out.values[name] = value


def _yes_no(out: Checked, raw: dict[str, Any], name: str) -> None:
    value = _text(raw, name)
    if value in ("yes", "no"):
        out.values[name] = value == "yes"
    else:
        out.problems[name] = Problem("choose_yes_no")


def _whole_number(out: Checked, raw: dict[str, Any], name: str, low: int, high: int) -> None:
    value = _text(raw, name).replace(" ", "")
    if not value:
        out.problems[name] = Problem("enter_number")
        return
    if value.startswith("-") and _is_number(value[1:]):
        out.problems[name] = Problem("not_negative")
        return
    if not _is_number(value):
        out.problems[name] = Problem("whole_number")
        return
    number = bounded_int(value, low, high)
    if number is None:
        out.problems[name] = Problem("between", {"min": low, "max": high})
        return
    out.values[name] = number


def _decimal(out: Checked, raw: dict[str, Any], name: str, high: int, places: int) -> None:
    value = _text(raw, name).replace(" ", "").replace(",", ".")
    if not value:
        out.problems[name] = Problem("enter_number")
        return
    try:
        number = Decimal(value)
    except InvalidOperation:
        out.problems[name] = Problem("number")
        return
    if not number.is_finite():
        out.problems[name] = Problem("number")
        return
    if number < 0:
        out.problems[name] = Problem("not_negative")
        return
    if number > high:
        out.problems[name] = Problem("between", {"min": 0, "max": high})
        return
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        out.problems[name] = Problem("decimal_places", {"places": places})
        return
    out.values[name] = str(number.quantize(Decimal(1).scaleb(-places)))


PHONE_PATTERN = re.compile(r"^\+212[67]\d{8}$")


def normalize_phone(value: str) -> str | None:
    """A Moroccan mobile number as +212 followed by 9 digits starting with 6 or 7."""
    digits = re.sub(r"[\s.\-()]", "", ascii_digits(value))
    if digits.startswith("00212"):
        digits = "+212" + digits[5:]
    elif digits.startswith("0") and len(digits) == 10:
        digits = "+212" + digits[1:]
    elif digits.startswith("212"):
        digits = "+" + digits
    return digits if PHONE_PATTERN.match(digits) else None


def is_idcs(value: str) -> bool:
    return len(value) == 10 and _is_number(value)


# -- sections --------------------------------------------------------------------

RESIDENCE_FIELDS = ("region", "province", "milieu", "address", "phone")


def check_residence(raw: dict[str, Any]) -> Checked:
    out = Checked()
    _choice(out, raw, "region", geography.region_codes())
    province = _text(raw, "province")
    if not province or province not in geography.provinces_by_code():
        out.problems["province"] = Problem("choose")
    elif "region" in out.values and not geography.province_in_region(
        province, out.values["region"]
    ):
        out.problems["province"] = Problem("province_not_in_region")
    else:
        out.values["province"] = province
    _choice(out, raw, "milieu", codes.MILIEUS)
    address = " ".join(_text(raw, "address").split())
    if len(address) < 5:
        out.problems["address"] = Problem("enter_address")
    elif len(address) > ADDRESS_MAX:
        out.problems["address"] = Problem("too_long", {"max": ADDRESS_MAX})
    else:
        out.values["address"] = address
    phone_raw = _text(raw, "phone")
    phone = normalize_phone(phone_raw) if phone_raw else None
    if not phone_raw:
        out.problems["phone"] = Problem("enter_phone")
    elif phone is None:
        out.problems["phone"] = Problem("phone_format")
    else:
        out.values["phone"] = phone
    return out


# The answers a member's form asks: those a member entry stores.
MEMBER_FIELDS = MEMBER_ANSWERS


def asks_schooling(age: int) -> bool:
    return codes.SCHOOL_AGE_MIN <= age <= codes.SCHOOL_AGE_MAX


def asks_occupation(activity: str | None) -> bool:
    return activity in codes.WORKING_ACTIVITIES


def check_member(raw: dict[str, Any], *, age: int, is_declarant: bool) -> Checked:
    """One member's answers. Schooling is asked from 5 to 24, occupation of workers."""
    out = Checked()
    if is_declarant:
        out.values["relation"] = "self"
    else:
        _choice(out, raw, "relation", tuple(r for r in codes.RELATIONS if r != "self"))
    _choice(out, raw, "marital_status", codes.MARITAL_STATUSES)
    _choice(out, raw, "education", codes.EDUCATION_LEVELS)
    if asks_schooling(age):
        _yes_no(out, raw, "in_school")
    else:
        out.values["in_school"] = None
    _choice(out, raw, "activity", codes.ACTIVITIES)
    if asks_occupation(out.values.get("activity")):
        _choice(out, raw, "occupation", codes.OCCUPATIONS)
    else:
        out.values["occupation"] = None
    _yes_no(out, raw, "disability")
    _choice(out, raw, "health_coverage", codes.HEALTH_COVERAGES)
    return out


HOUSING_FIELDS = (
    "dwelling_type",
    "occupancy",
    "monthly_rent",
    "rooms",
    "wall_material",
    "roof_material",
    "water_source",
    "sanitation",
    "electricity",
    "cooking_energy",
)


def asks_rent(occupancy: str | None) -> bool:
    return occupancy == "tenant"


def check_housing(raw: dict[str, Any]) -> Checked:
    out = Checked()
    _choice(out, raw, "dwelling_type", codes.DWELLING_TYPES)
    _choice(out, raw, "occupancy", codes.OCCUPANCIES)
    if asks_rent(out.values.get("occupancy")):
        _whole_number(out, raw, "monthly_rent", 1, 50_000)
    else:
        out.values["monthly_rent"] = None
    rooms = _text(raw, "rooms")
    if rooms == "0":
        out.problems["rooms"] = Problem("rooms_at_least_one")
    else:
        _whole_number(out, raw, "rooms", 1, 30)
    _choice(out, raw, "wall_material", codes.WALL_MATERIALS)
    _choice(out, raw, "roof_material", codes.ROOF_MATERIALS)
    _choice(out, raw, "water_source", codes.WATER_SOURCES)
    _choice(out, raw, "sanitation", codes.SANITATIONS)
    _choice(out, raw, "electricity", codes.ELECTRICITY_SOURCES)
    _choice(out, raw, "cooking_energy", codes.COOKING_ENERGIES)
    return out


# The most of each thing a household may declare: enough for any real home.
ASSET_LIMITS = {
    "cars": 10,
    "motorcycles": 10,
    "tvs": 20,
    "satellite_dishes": 10,
    "refrigerators": 10,
    "washing_machines": 10,
    "computers": 20,
    "smartphones": 30,
    "air_conditioners": 20,
}
RURAL_ASSET_LIMITS = {"cattle": 1000, "sheep_goats": 10_000, "tractors": 10}
FARM_LAND_LIMIT_HA = 10_000


def equipment_fields(milieu: str | None) -> tuple[str, ...]:
    fields = (*ASSET_LIMITS, "home_internet")
    if milieu == "rural":
        fields += (*RURAL_ASSET_LIMITS, "farm_land_ha")
    return fields


def check_equipment(raw: dict[str, Any], *, milieu: str | None) -> Checked:
    """Assets; livestock, land and tractors only in the rural milieu."""
    out = Checked()
    for name, high in ASSET_LIMITS.items():
        _whole_number(out, raw, name, 0, high)
    _yes_no(out, raw, "home_internet")
    if milieu == "rural":
        for name, high in RURAL_ASSET_LIMITS.items():
            _whole_number(out, raw, name, 0, high)
        _decimal(out, raw, "farm_land_ha", FARM_LAND_LIMIT_HA, 2)
    return out


SPENDING_LIMITS = {
    "electricity_bill": 20_000,
    "water_bill": 10_000,
    "telecom": 20_000,
    "butane_bottles": 60,
}


def check_spending(raw: dict[str, Any]) -> Checked:
    out = Checked()
    for name, high in SPENDING_LIMITS.items():
        _whole_number(out, raw, name, 0, high)
    return out


def check_member_lookup(raw: dict[str, Any], today: date) -> Checked:
    """The IDCS and birth date typed to find a member in the RNP."""
    out = Checked()
    idcs = _text(raw, "idcs").replace(" ", "")
    if not idcs:
        out.problems["idcs"] = Problem("enter_idcs")
    elif _is_number(idcs) and len(idcs) < 10:
        out.problems["idcs"] = Problem("idcs_too_short")
    elif not is_idcs(idcs):
        out.problems["idcs"] = Problem("idcs_format")
    else:
        out.values["idcs"] = idcs
    born = plausible_birth_date(_text(raw, "birth_date"), today)
    if isinstance(born, Problem):
        out.problems["birth_date"] = born
    else:
        out.values["birth_date"] = born
    return out
