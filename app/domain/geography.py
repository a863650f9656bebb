"""Morocco's 12 regions and 75 prefectures and provinces (2015 division).

Read once from ``app/data/regions.json``, a copy of the shared reference
data. Codes are stable slugs; names exist in French and Arabic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "regions.json"


@dataclass(frozen=True)
class Province:
    code: str
    region_code: str
    name_fr: str
    name_ar: str

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_fr


@dataclass(frozen=True)
class Region:
    code: str
    number: str
    name_fr: str
    name_ar: str
    provinces: tuple[Province, ...]

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_fr


@cache
def regions() -> tuple[Region, ...]:
    """The regions in official order."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    result = []
    for raw in data["regions"]:
        provinces = tuple(
            Province(p["code"], raw["code"], p["fr"], p["ar"]) for p in raw["provinces"]
        )
        result.append(Region(raw["code"], raw["number"], raw["fr"], raw["ar"], provinces))
    return tuple(result)


@cache
def regions_by_code() -> dict[str, Region]:
    return {r.code: r for r in regions()}


@cache
def provinces_by_code() -> dict[str, Province]:
    return {p.code: p for r in regions() for p in r.provinces}


def region_codes() -> tuple[str, ...]:
    return tuple(r.code for r in regions())


def province_in_region(province_code: str, region_code: str) -> bool:
    province = provinces_by_code().get(province_code)
    return province is not None and province.region_code == region_code
