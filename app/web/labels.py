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

RELATIONS = {
    "self": _l("declarant"),
    "spouse": _l("husband or wife"),
    "child": _l("son or daughter"),
    "parent": _l("father or mother"),
    "sibling": _l("brother or sister"),
    "grandchild": _l("grandson or granddaughter"),
    "grandparent": _l("grandfather or grandmother"),
    "other_relative": _l("other relative"),
    "non_relative": _l("not related"),
}

MARITAL_STATUSES = {
    "single": _l("single"),
    "married": _l("married"),
    "divorced": _l("divorced"),
    "widowed": _l("widowed"),
}

ACTIVITIES = {
    "employed": _l("employed (works for an employer)"),
    "self_employed": _l("works on their own account"),
    "unemployed": _l("looking for work"),
    "student": _l("pupil or student"),
    "homemaker": _l("takes care of the home"),
    "retired": _l("retired"),
    "unable_to_work": _l("unable to work"),
    "other": _l("other situation"),
}

OCCUPATIONS = {
    "farm_worker": _l("farm worker"),
    "farmer": _l("farmer"),
    "laborer": _l("labourer"),
    "artisan": _l("artisan"),
    "trader": _l("trader"),
    "private_employee": _l("employee in the private sector"),
    "public_employee": _l("civil servant or public employee"),
    "professional": _l("independent professional (doctor, lawyer, engineer…)"),
    "manager": _l("manager or executive"),
    "domestic_worker": _l("domestic worker"),
    "other": _l("other occupation"),
}

HEALTH_COVERAGES = {
    "none": _l("no health insurance"),
    "amo_tadamon": _l("AMO Tadamon"),
    "amo_cnss": _l("AMO of the CNSS"),
    "cnops": _l("CNOPS"),
    "private": _l("private insurance"),
    "other": _l("other insurance"),
}

OCCUPANCIES = {
    "owner": _l("owner"),
    "owner_mortgage": _l("owner, still paying a loan"),
    "tenant": _l("tenant"),
    "free_lodging": _l("lodged for free"),
    "employer_provided": _l("lodged by the employer"),
    "other": _l("other arrangement"),
}

WALL_MATERIALS = {
    "concrete_brick": _l("concrete or brick"),
    "stone": _l("stone"),
    "earth": _l("earth (pisé, adobe)"),
    "wood_metal": _l("wood or metal sheets"),
    "other": _l("other material"),
}

ROOF_MATERIALS = {
    "concrete_slab": _l("concrete slab"),
    "tile_metal_sheet": _l("tiles or metal sheets"),
    "wood_reed": _l("wood or reeds"),
    "other": _l("other material"),
}

WATER_SOURCES = {
    "network_in_dwelling": _l("tap connected to the network, in the home"),
    "public_standpipe": _l("public standpipe"),
    "well": _l("well"),
    "other": _l("other source"),
}

SANITATIONS = {
    "public_sewer": _l("public sewer"),
    "septic_tank": _l("septic tank"),
    "none": _l("none"),
}

ELECTRICITY_SOURCES = {
    "individual_meter": _l("meter of our own"),
    "shared_meter": _l("meter shared with others"),
    "solar": _l("solar panels"),
    "none": _l("no electricity"),
}

COOKING_ENERGIES = {
    "butane": _l("butane gas"),
    "electricity": _l("electricity"),
    "wood_charcoal": _l("wood or charcoal"),
    "other": _l("other"),
}

YES_NO = {"yes": _l("Yes"), "no": _l("No")}

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
