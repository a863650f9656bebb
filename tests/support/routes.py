"""Paths of the route map, filled with values each route's converters accept."""

from __future__ import annotations

import re
from collections.abc import Mapping

from werkzeug.routing import Rule

from app.web.input_boundary import CONVERTERS

# A value of the right shape for each converter (what exists is for the test to say).
SHAPED = {
    "int": "1",
    "review_number": "REV-2026-000001",
    "certificate_number": "1" * 20,
    "typed_certificate_number": "1234-5678",
    "member_key": "0123456789ab",
}
_ARGUMENT = re.compile(r"<(?:([a-z_]+)(?:\([^)]*\))?:)?([a-z_]+)>")


def converter_of(rule: Rule, name: str) -> str:
    """The converter's name in the route map (``default`` for a plain <name>)."""
    converter = rule._converters[name]  # Werkzeug keeps them there
    for key, cls in CONVERTERS.items():
        if type(converter) is cls:
            return key
    return "default"


def fill(rule: Rule, values: Mapping[str, str] | None = None) -> str:
    """The rule's path with ``values`` for its arguments, or a value of the right shape."""
    given = dict(values or {})

    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        return given.get(name) or SHAPED.get(converter_of(rule, name), "x")

    return _ARGUMENT.sub(value, rule.rule)
