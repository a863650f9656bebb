"""Dates in the browser: typed into the three fields, day, month and year."""

from __future__ import annotations

from typing import Any


def fill_date(page: Any, name: str, iso: str) -> None:
    """Type an ISO date (1984-07-02) as a person does: 2, 7, 1984."""
    year, month, day = iso.split("-")
    page.fill(f"input[name='{name}-day']", str(int(day)))
    page.fill(f"input[name='{name}-month']", str(int(month)))
    page.fill(f"input[name='{name}-year']", year)
