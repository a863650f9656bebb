"""A page's facts are described once each (``score_facts.described_once``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain.scoring.explanation import Fact
from app.web.citizen.score_facts import described_once


def fact(variable: str) -> Fact:
    return Fact(variable=variable, group="housing", source="declared", contribution=Decimal("0.2"))


def test_each_fact_is_described_once_per_declaration() -> None:
    calls: list[str] = []

    def describe(one: Fact, declaration: dict[str, Any]) -> str:
        calls.append(one.variable)
        return f"{one.variable} of {declaration['name']}"

    first, second = {"name": "first"}, {"name": "second"}
    once = described_once(describe)
    said = [once(fact("rooms"), first), once(fact("car"), first), once(fact("rooms"), first)]
    assert said == ["rooms of first", "car of first", "rooms of first"]
    assert once(fact("rooms"), second) == "rooms of second"
    assert calls == ["rooms", "car", "rooms"]
