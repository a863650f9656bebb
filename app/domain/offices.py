"""Offices where staff work, as reference data (``app/data/offices.json``).

Each has a stable code, its name in French and Arabic, and the prefecture or
province (``app/data/regions.json``) it lies in. Staff logins carry an office
code; what a counter supervisor may see follows from the province.
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

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_fr


@cache
def offices_by_code() -> dict[str, Office]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    offices = {}
    for raw in data["offices"]:
        if raw["province"] not in provinces_by_code():
            raise ValueError(f"office {raw['code']}: no province {raw['province']!r}")
        offices[raw["code"]] = Office(raw["code"], raw["fr"], raw["ar"], raw["province"])
    return offices


def office_name(code: str | None, language: str) -> str:
    """The office's name in the language; "—" for none. A value that is not a
    code is shown as it is: records written before offices were reference
    data (and the append-only audit trail) hold the name as it was typed."""
    if not code:
        return "—"
    office = offices_by_code().get(code)
    return office.name(language) if office else code


def offices_in_province_of(code: str | None) -> tuple[str, ...]:
    """Codes of the offices in the same prefecture or province as ``code``
    (none for an unknown office): the counters one supervisor oversees."""
    office = offices_by_code().get(code or "")
    if office is None:
        return ()
    return tuple(
        o.code for o in offices_by_code().values() if o.province_code == office.province_code
    )
