"""Translated labels for codes. Codes are never translated; their labels are, here.

All labels are lazy: they are defined at import time and rendered in the
language of each request.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.domain import geography
from app.i18n import current_language

PROGRAMMES = {
    # Translators: the State health insurance for low-income households.
    "amo_tadamon": _l("AMO Tadamon"),
    # Translators: Aide Sociale Directe, the monthly family allowance.
    "asd": _l("Direct social aid (ASD)"),
    # Translators: health insurance for those above the AMO Tadamon threshold.
    "amo_achamil": _l("AMO Achamil"),
}
PROGRAMME_PURPOSES = {
    "amo_tadamon": _l("Health insurance paid by the State"),
    "asd": _l("Monthly family allowance"),
    "amo_achamil": _l("Health insurance for those above the AMO Tadamon threshold"),
}

MILIEUS = {"urban": _l("urban"), "rural": _l("rural")}

SCORE_REASONS = {
    "registration": _l("Registration"),
    "change": _l("Declared change"),
    "model_update": _l("New calculation method"),
    "review": _l("Review of the score"),
}

EXPLANATION_GROUPS = {
    "composition": _l("Who lives in the household"),
    "education_work": _l("Education and work"),
    "housing": _l("Housing"),
    "equipment": _l("Equipment and animals"),
    "spending": _l("Monthly spending"),
    "location": _l("Where you live"),
}

SOURCES = {
    "declared": _l("declared by your household"),
    # Translators: the facts come from the National Population Register.
    "rnp": _l("from the National Population Register (RNP)"),
}

STRENGTHS = {
    "strong": _l("strong effect"),
    "moderate": _l("moderate effect"),
    "small": _l("small effect"),
}

EDUCATION_LEVELS = {
    "none": _l("no schooling"),
    "preschool": _l("preschool"),
    "primary": _l("primary school"),
    "lower_secondary": _l("lower secondary school (collège)"),
    "upper_secondary": _l("upper secondary school (lycée)"),
    "higher": _l("higher education"),
}

DWELLING_TYPES = {
    "villa": _l("villa"),
    "apartment": _l("apartment"),
    "modern_house": _l("modern house"),
    "traditional_house": _l("traditional house"),
    "rural_house": _l("rural house"),
    "makeshift": _l("makeshift dwelling"),
    "other": _l("other type of dwelling"),
}


def label(table: dict[str, LazyString], code: str | None) -> str:
    """The label of a code, or the code itself if it has none (never an empty cell)."""
    if code is None:
        return ""
    value = table.get(code)
    return str(value) if value is not None else code


def region_name(code: str) -> str:
    region = geography.regions_by_code().get(code)
    return region.name(current_language()) if region else code


def province_name(code: str) -> str:
    province = geography.provinces_by_code().get(code)
    return province.name(current_language()) if province else code
