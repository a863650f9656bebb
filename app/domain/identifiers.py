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


# -- certificate numbers ----------------------------------------------------------------
# 19 random digits (the first not 0: 9 x 10^18 numbers, almost 63 bits, so
# that nobody can guess one) and a Luhn check digit. Digits only, in groups
# of four: they are read aloud over the phone in Arabic or French, typed on
# a phone's number pad, and every single-digit typo is caught.
CERTIFICATE_DIGITS = 20


def certificate_number(random_below: int) -> str:
    """A certificate number from a random integer in [0, 9 x 10^18)."""
    if not 0 <= random_below < 9 * 10**18:
        raise ValueError("out of range")
    body = str(10**18 + random_below)
    return body + luhn_check_digit(body)


def normalize_certificate_number(typed: str) -> str | None:
    """The 20 digits of a typed number (spaces and dashes allowed), or None
    if it cannot be one: wrong length or a failed check digit."""
    digits = "".join(ch for ch in typed if ch not in " -\u00a0")
    if len(digits) != CERTIFICATE_DIGITS or not (digits.isascii() and digits.isdecimal()):
        return None
    if luhn_check_digit(digits[:-1]) != digits[-1]:
        return None
    return digits


def certificate_number_problem(typed: str) -> str | None:
    """Why a typed certificate number cannot be one, said as precisely as we
    can: "too_short" or "too_long" (digits missing or extra), "not_digits"
    (a letter or a sign other than spaces and dashes), "typo" (20 digits, but
    the check digit fails: one was mistyped); None when it can be one."""
    digits = "".join(ch for ch in typed if ch not in " -\u00a0")
    if not (digits.isascii() and digits.isdecimal()):
        return "not_digits"
    if len(digits) < CERTIFICATE_DIGITS:
        return "too_short"
    if len(digits) > CERTIFICATE_DIGITS:
        return "too_long"
    return None if normalize_certificate_number(digits) else "typo"


def format_certificate_number(number: str) -> str:
    """1234-5678-9012-3456-7890: grouped to be read aloud and copied."""
    return "-".join(number[i : i + 4] for i in range(0, len(number), 4))
