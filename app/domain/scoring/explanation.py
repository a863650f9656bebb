"""What made a score: contributions grouped, and the facts that weighed most.

The citizen sees facts and their direction ("your 2 rooms for 5 people
lowered your score"), and a coarse strength, never the coefficients: the
formula must not become a recipe for gaming the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.scoring.features import FEATURES_BY_NAME, GROUPS

# Household size and its square describe one fact: how many people live there.
MERGED = {"household_size_squared": "household_size"}
REGION = "region"
TOP = 3


@dataclass(frozen=True)
class Fact:
    variable: str  # a feature name, or "region"
    group: str
    source: str  # declared, rnp
    contribution: Decimal

    @property
    def raises(self) -> bool:
        return self.contribution > 0

    @property
    def strength(self) -> str:
        """strong, moderate or small: enough to understand, too coarse to game."""
        size = abs(self.contribution)
        if size >= Decimal("0.3"):
            return "strong"
        if size >= Decimal("0.1"):
            return "moderate"
        return "small"


@dataclass(frozen=True)
class Group:
    name: str
    total: Decimal
    facts: list[Fact]


@dataclass(frozen=True)
class Explanation:
    groups: list[Group]
    raised: list[Fact]  # the facts that raised the score most, strongest first
    lowered: list[Fact]  # the facts that lowered it most, strongest first


def explain(contributions: dict[str, Decimal], regional_effect: Decimal) -> Explanation:
    merged: dict[str, Decimal] = {}
    for name, value in contributions.items():
        key = MERGED.get(name, name)
        merged[key] = merged.get(key, Decimal(0)) + value
    facts = [
        Fact(name, FEATURES_BY_NAME[name].group, FEATURES_BY_NAME[name].source, value)
        for name, value in merged.items()
        if value
    ]
    if regional_effect:
        facts.append(Fact(REGION, "location", "declared", regional_effect))

    groups = []
    for group in GROUPS:
        members = sorted((f for f in facts if f.group == group), key=lambda f: -abs(f.contribution))
        if members:
            groups.append(Group(group, sum((f.contribution for f in members), Decimal(0)), members))
    raised = sorted((f for f in facts if f.contribution > 0), key=lambda f: -f.contribution)[:TOP]
    lowered = sorted((f for f in facts if f.contribution < 0), key=lambda f: f.contribution)[:TOP]
    return Explanation(groups=groups, raised=raised, lowered=lowered)
