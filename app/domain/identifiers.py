"""Public numbers: household RSU numbers, with a check digit against typing errors."""

from __future__ import annotations


def luhn_check_digit(digits: str) -> str:
    """The Luhn digit that makes ``digits + check`` valid (catches every single-digit typo)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def rsu_number(household_id: int) -> str:
    """``RSU-`` then 8 digits of the household id and a Luhn check digit."""
    if not 0 < household_id < 100_000_000:
        raise ValueError("household id out of range for an RSU number")
    body = f"{household_id:08d}"
    return f"RSU-{body}{luhn_check_digit(body)}"


def is_valid_rsu_number(value: str) -> bool:
    value = value.strip().upper()
    if not value.startswith("RSU-") or len(value) != 13 or not value[4:].isdigit():
        return False
    body, check = value[4:12], value[12]
    return luhn_check_digit(body) == check
