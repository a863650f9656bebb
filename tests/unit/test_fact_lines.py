"""A score's explanation in words (``score_facts.fact_lines``): each fact said once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain.scoring.explanation import explain
from app.web.citizen.score_facts import fact_lines
from app.web.labels import SOURCES


def test_each_fact_is_put_in_words_once_and_shown_in_both_lists() -> None:
    calls: list[str] = []

    def describe(fact: Any, declaration: dict[str, Any]) -> str:
        calls.append(fact.variable)
        return f"{fact.variable} of {declaration['name']}"

    explanation = explain(
        {
            "best_education_higher": Decimal("0.4"),
            "share_earners": Decimal("0.05"),
            "share_dependants": Decimal("-0.2"),
        },
        Decimal("0"),
    )
    lines = fact_lines(explanation, {"name": "first"}, describe, SOURCES)

    assert [line.text for line in lines.raised] == [
        "best_education_higher of first",
        "share_earners of first",
    ]
    assert [line.text for line in lines.lowered] == ["share_dependants of first"]
    strongest = lines.raised[0]
    assert strongest.raises and strongest.direction == "raised the score"
    assert strongest.strength_and_source == "strong effect · declared by your household"
    assert lines.lowered[0].direction == "lowered the score"
    assert lines.lowered[0].strength_and_source.startswith("moderate effect · ")
    # Every fact appears again under its theme, without being described again.
    assert sorted(line.text for _, group in lines.groups for line in group) == sorted(
        ["best_education_higher of first", "share_earners of first", "share_dependants of first"]
    )
    assert sorted(calls) == ["best_education_higher", "share_dependants", "share_earners"]
