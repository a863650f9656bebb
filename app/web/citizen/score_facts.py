"""Plain sentences for the facts behind a score, from the declaration it was computed on.

"Your household has 5 members", "2 people per room", "1 refrigerator": the
facts the household recognises, never a coefficient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel.speaklater import LazyString

from app.domain.declaration import age_on
from app.domain.scoring.explanation import Explanation, Fact
from app.domain.scoring.features import (
    CHILD_AGE_LIMIT,
    CONTRIBUTORY,
    EARNING,
    ELDERLY_AGE,
    ELEMENTARY,
    FARM,
    SALARIED,
    SKILLED,
    TRADE_CRAFT,
)
from app.i18n import format_amount, format_number, ngettext
from app.i18n import gettext as _
from app.web.labels import (
    DWELLING_TYPES,
    EDUCATION_LEVELS,
    EXPLANATION_GROUPS,
    MILIEUS,
    STRENGTHS,
    label,
    region_name,
)

Describe = Callable[[dict[str, Any]], str]

_EDUCATION_ORDER = ("none", "preschool", "primary", "lower_secondary", "upper_secondary", "higher")


def _members(d: dict[str, Any]) -> list[dict[str, Any]]:
    return list(d["members"])


def _count(d: dict[str, Any], predicate: Callable[[dict[str, Any]], bool]) -> int:
    return sum(1 for m in _members(d) if predicate(m))


def _workers(d: dict[str, Any], occupations: frozenset[str]) -> int:
    return _count(d, lambda m: m.get("activity") in EARNING and m.get("occupation") in occupations)


def _asset(d: dict[str, Any], name: str) -> int:
    return int(d["assets"].get(name) or 0)


def _size(d: dict[str, Any]) -> str:
    n = len(_members(d))
    return ngettext("Your household has %(num)s member", "Your household has %(num)s members", n)


def _dependants(d: dict[str, Any]) -> str:
    as_of = date.fromisoformat(d["as_of"])
    n = _count(
        d,
        lambda m: (
            not CHILD_AGE_LIMIT <= age_on(date.fromisoformat(m["birth_date"]), as_of) < ELDERLY_AGE
        ),
    )
    return ngettext(
        "%(num)s member is a child under 15 or aged 60 or over",
        "%(num)s members are children under 15 or aged 60 or over",
        n,
    )


def _disability(d: dict[str, Any]) -> str:
    n = _count(d, lambda m: bool(m.get("disability")))
    return ngettext("%(num)s member has a disability", "%(num)s members have a disability", n)


def _education(d: dict[str, Any]) -> str:
    levels = [m.get("education") or "none" for m in _members(d)]
    best = max(levels, key=_EDUCATION_ORDER.index)
    return _("Highest education in the household: %(level)s", level=label(EDUCATION_LEVELS, best))


def _earners(d: dict[str, Any]) -> str:
    n = _count(d, lambda m: m.get("activity") in EARNING)
    return ngettext("%(num)s member works", "%(num)s members work", n)


def _skilled(d: dict[str, Any]) -> str:
    return ngettext(
        "%(num)s member works as a civil servant, professional or manager",
        "%(num)s members work as civil servants, professionals or managers",
        _workers(d, SKILLED),
    )


def _salaried(d: dict[str, Any]) -> str:
    return ngettext(
        "%(num)s member is an employee in the private sector",
        "%(num)s members are employees in the private sector",
        _workers(d, SALARIED),
    )


def _trade(d: dict[str, Any]) -> str:
    return ngettext(
        "%(num)s member works as a trader or artisan",
        "%(num)s members work as traders or artisans",
        _workers(d, TRADE_CRAFT),
    )


def _farm(d: dict[str, Any]) -> str:
    return ngettext(
        "%(num)s member works in farming",
        "%(num)s members work in farming",
        _workers(d, FARM),
    )


def _elementary(d: dict[str, Any]) -> str:
    return ngettext(
        "%(num)s member works as a labourer or domestic worker",
        "%(num)s members work as labourers or domestic workers",
        _workers(d, ELEMENTARY),
    )


def _coverage(d: dict[str, Any]) -> str:
    return ngettext(
        "%(num)s member has contributory health insurance (CNSS, CNOPS or private)",
        "%(num)s members have contributory health insurance (CNSS, CNOPS or private)",
        _count(d, lambda m: m.get("health_coverage") in CONTRIBUTORY),
    )


def _crowding(d: dict[str, Any]) -> str:
    people, rooms = len(_members(d)), int(d["housing"]["rooms"])
    return ngettext(
        "%(people)s people for %(num)s room",
        "%(people)s people for %(num)s rooms",
        rooms,
        people=people,
    )


def _dwelling(d: dict[str, Any]) -> str:
    return _(
        "Type of dwelling: %(type)s", type=label(DWELLING_TYPES, d["housing"]["dwelling_type"])
    )


def _rent(d: dict[str, Any]) -> str:
    return _(
        "Rent of %(amount)s per month",
        amount=format_amount(Decimal(d["housing"]["monthly_rent"] or 0)),
    )


def _bottles(d: dict[str, Any]) -> str:
    return ngettext(
        "%(num)s bottle of butane a month",
        "%(num)s bottles of butane a month",
        int(d["spending"].get("butane_bottles") or 0),
    )


def _land(d: dict[str, Any]) -> str:
    return _(
        "%(hectares)s hectares of farm land",
        hectares=format_number(Decimal(str(d["assets"].get("farm_land_ha") or 0))),
    )


def _region(d: dict[str, Any]) -> str:
    residence = d["residence"]
    return _(
        "You live in %(region)s, in a %(milieu)s area",
        region=region_name(residence["region"]),
        milieu=label(MILIEUS, residence["milieu"]),
    )


FACTS: dict[str, Describe] = {
    "household_size": _size,
    "share_dependants": _dependants,
    "members_with_disability": _disability,
    "best_education_primary": _education,
    "best_education_secondary": _education,
    "best_education_higher": _education,
    "share_earners": _earners,
    "workers_skilled": _skilled,
    "workers_salaried": _salaried,
    "workers_trade_craft": _trade,
    "workers_farm": _farm,
    "workers_elementary": _elementary,
    "members_contributory_coverage": _coverage,
    "persons_per_room": _crowding,
    "dwelling_villa_or_apartment": _dwelling,
    "dwelling_traditional_or_rural": _dwelling,
    "dwelling_makeshift": _dwelling,
    "owner_occupied": lambda d: _("You own your home"),
    "rent_per_person": _rent,
    "durable_walls": lambda d: _("Walls of concrete, brick or stone"),
    "concrete_roof": lambda d: _("A concrete roof"),
    "water_network": lambda d: _("Running water from the network in the home"),
    "public_sewer": lambda d: _("Connected to the public sewer"),
    "no_sanitation": lambda d: _("No toilet connected to a sewer or septic tank"),
    "individual_electricity_meter": lambda d: _("An electricity meter of your own"),
    "no_electricity": lambda d: _("No electricity"),
    "cooking_with_wood": lambda d: _("Cooking with wood or charcoal"),
    "cars": lambda d: ngettext("%(num)s car", "%(num)s cars", _asset(d, "cars")),
    "motorcycles": lambda d: ngettext(
        "%(num)s motorcycle", "%(num)s motorcycles", _asset(d, "motorcycles")
    ),
    "tvs": lambda d: ngettext("%(num)s television", "%(num)s televisions", _asset(d, "tvs")),
    "satellite_dishes": lambda d: ngettext(
        "%(num)s satellite dish", "%(num)s satellite dishes", _asset(d, "satellite_dishes")
    ),
    "refrigerators": lambda d: ngettext(
        "%(num)s refrigerator", "%(num)s refrigerators", _asset(d, "refrigerators")
    ),
    "washing_machines": lambda d: ngettext(
        "%(num)s washing machine", "%(num)s washing machines", _asset(d, "washing_machines")
    ),
    "computers": lambda d: ngettext(
        "%(num)s computer", "%(num)s computers", _asset(d, "computers")
    ),
    "smartphones_per_person": lambda d: ngettext(
        "%(num)s smartphone", "%(num)s smartphones", _asset(d, "smartphones")
    ),
    "air_conditioners": lambda d: ngettext(
        "%(num)s air conditioner", "%(num)s air conditioners", _asset(d, "air_conditioners")
    ),
    "home_internet": lambda d: _("Internet at home"),
    "cattle": lambda d: ngettext(
        "%(num)s head of cattle", "%(num)s head of cattle", _asset(d, "cattle")
    ),
    "sheep_goats_tens": lambda d: ngettext(
        "%(num)s sheep or goat", "%(num)s sheep and goats", _asset(d, "sheep_goats")
    ),
    "farm_land_ha": _land,
    "tractors": lambda d: ngettext("%(num)s tractor", "%(num)s tractors", _asset(d, "tractors")),
    "electricity_per_person": lambda d: _(
        "Electricity bills of %(amount)s a month",
        amount=format_amount(Decimal(d["spending"].get("electricity_bill") or 0)),
    ),
    "water_per_person": lambda d: _(
        "Water bills of %(amount)s a month",
        amount=format_amount(Decimal(d["spending"].get("water_bill") or 0)),
    ),
    "telecom_per_person": lambda d: _(
        "Phone and internet spending of %(amount)s a month",
        amount=format_amount(Decimal(d["spending"].get("telecom") or 0)),
    ),
    "butane_per_person": _bottles,
    "region": _region,
}


def _region_for_staff(d: dict[str, Any]) -> str:
    residence = d["residence"]
    return _(
        "The household lives in %(region)s, in a %(milieu)s area",
        region=region_name(residence["region"]),
        milieu=label(MILIEUS, residence["milieu"]),
    )


# Reviewers read the same facts about the household, not addressed to it.
FACTS_FOR_STAFF: dict[str, Describe] = {
    **FACTS,
    "household_size": lambda d: ngettext(
        "The household has %(num)s member", "The household has %(num)s members", len(_members(d))
    ),
    "owner_occupied": lambda d: _("The household owns its home"),
    "individual_electricity_meter": lambda d: _("An electricity meter of its own"),
    "region": _region_for_staff,
}


def describe(fact: Fact, declaration: dict[str, Any]) -> str:
    return FACTS[fact.variable](declaration)


def describe_for_staff(fact: Fact, declaration: dict[str, Any]) -> str:
    return FACTS_FOR_STAFF[fact.variable](declaration)


DescribeFact = Callable[[Fact, dict[str, Any]], str]


@dataclass(frozen=True)
class FactLine:
    """One fact as the explanation shows it: its sentence, then its direction,
    strength and source in words."""

    text: str
    raises: bool
    strength_and_source: str  # "strong effect · declared by your household"
    direction: str  # "raised the score" or "lowered the score"


@dataclass(frozen=True)
class FactLines:
    raised: list[FactLine]  # strongest first
    lowered: list[FactLine]
    groups: list[tuple[str, list[FactLine]]]  # each theme's name, and its facts


def fact_lines(
    explanation: Explanation,
    declaration: dict[str, Any],
    describe_fact: DescribeFact,
    sources: dict[str, LazyString],
) -> FactLines:
    """The explanation's facts in words (components/score_explanation.html).

    Each fact is put in words once, although the page names most of them
    twice (strongest first, then by theme); and in Python rather than by
    the template, which spent more on a fact's four calls than on the rest
    of the score page (issue 15).
    """
    said: dict[str, FactLine] = {}
    raised, lowered = _("raised the score"), _("lowered the score")

    def line(fact: Fact) -> FactLine:
        found = said.get(fact.variable)
        if found is None:
            meta = f"{label(STRENGTHS, fact.strength)} · {label(sources, fact.source)}"
            found = said[fact.variable] = FactLine(
                describe_fact(fact, declaration), fact.raises, meta,
                raised if fact.raises else lowered,
            )  # fmt: skip
        return found

    return FactLines(
        raised=[line(fact) for fact in explanation.raised],
        lowered=[line(fact) for fact in explanation.lowered],
        groups=[
            (label(EXPLANATION_GROUPS, group.name), [line(fact) for fact in group.facts])
            for group in explanation.groups
        ],
    )
