"""Offices where staff work, as reference data (``app/data/offices.json``).

Each has a stable code, its name in French and Arabic, and the prefecture or
province (``app/data/regions.json``) it lies in. Casablanca's prefecture is
divided into préfectures d'arrondissements, each with its own governor and
its own counters; an office there also names its préfecture d'arrondissements.
Staff logins carry an office code; what a counter supervisor may see follows
from the smallest of these territories their office lies in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.domain.geography import provinces_by_code

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "offices.json"


@dataclass(frozen=True)
class Office:
    code: str
    name_fr: str
    name_ar: str
    province_code: str
    # Set only where the prefecture is divided (Casablanca).
    prefecture_of_arrondissements: str | None = None

    @property
    def territory(self) -> tuple[str, str | None]:
        return (self.province_code, self.prefecture_of_arrondissements)

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_fr


@cache
def offices_by_code() -> dict[str, Office]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    divisions = {raw["code"]: raw["province"] for raw in data["prefectures_of_arrondissements"]}
    offices = {}
    for raw in data["offices"]:
        if raw["province"] not in provinces_by_code():
            raise ValueError(f"office {raw['code']}: no province {raw['province']!r}")
        division = raw.get("prefecture_of_arrondissements")
        if division is not None and divisions.get(division) != raw["province"]:
            raise ValueError(f"office {raw['code']}: {division!r} is not in {raw['province']!r}")
        offices[raw["code"]] = Office(raw["code"], raw["fr"], raw["ar"], raw["province"], division)
    return offices


def office_name(code: str | None, language: str) -> str:
    """The office's name in the language; "—" for none. A value that is not a
    code is shown as it is: records written before offices were reference
    data (and the append-only audit trail) hold the name as it was typed."""
    if not code:
        return "—"
    office = offices_by_code().get(code)
    return office.name(language) if office else code


def offices_overseen_from(code: str | None) -> tuple[str, ...]:
    """Codes of the offices in the same territory as ``code`` (none for an
    unknown office): the counters one supervisor oversees.

    The territory is the préfecture d'arrondissements where there is one, else
    the prefecture or province; a supervisor at the Préfecture de Casablanca
    itself (no arrondissements) oversees all of Casablanca's counters.
    """
    office = offices_by_code().get(code or "")
    if office is None:
        return ()
    province, division = office.territory
    return tuple(
        o.code
        for o in offices_by_code().values()
        if o.province_code == province
        and (division is None or o.prefecture_of_arrondissements == division)
    )
