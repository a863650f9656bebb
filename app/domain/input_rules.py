"""What a value sent to the portal may be: its characters, its length, its range.

The web layer's input boundary (``app/web/input_boundary.py``) applies these
rules to every value of every request (form, query, path, header) before any
service sees it. They live here, in the domain, because they are facts about
the answers: an address is at most 200 characters, an explanation 2,000, a
position in the list of members is below the most members a household has.

Characters refused everywhere:
- a broken encoding (the bytes were not UTF-8; the decoder left U+FFFD);
- NUL and the other C0 and C1 control characters, except line breaks and tab
  in the fields where several lines are expected;
- the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069),
  which can make a text display in another order than it is stored;
- the line and paragraph separators U+2028 and U+2029 outside multi-line
  fields, and the non-characters U+FFFE and U+FFFF.

Arabic letters, Latin letters with accents, the right-to-left and
left-to-right marks (U+200E, U+200F) and the Arabic letter mark (U+061C) are
ordinary text and pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.domain.errors import Problem

# -- the most characters each kind of answer may have ---------------------------------
ADDRESS_MAX = 200
EXPLANATION_MAX = 2000  # a review request: why the score is wrong
DECISION_REASON_MAX = 2000  # a reviewer's written reason
SUPERVISION_COMMENT_MAX = 1000
IDENTITY_CHECK_NOTE_MAX = 500

# PostgreSQL's INTEGER: a number from a URL or a hidden field beyond it names nothing.
DATABASE_INT_MAX = 2**31 - 1
# A typed count or amount never needs more digits than this (50,000 MAD rent
# is 5); the longest leaves room for spaces between thousands.
NUMBER_TEXT_MAX = 12
# A registration draft keeps what was typed; every answer at its longest fits.
DRAFT_MAX_BYTES = 64 * 1024
# The reviewers' queue has at most this many pages to show.
PAGE_MAX = 100_000


@dataclass(frozen=True)
class TextRule:
    """The longest an answer may be, and whether it may hold several lines."""

    max_length: int
    multiline: bool = False


CHOICE = TextRule(60)  # a code from a list: region, relation, status...
NUMBER = TextRule(NUMBER_TEXT_MAX)
DATE = TextRule(20)  # 2030-12-31, or 31/12/2030 where browsers have no date field
PHONE = TextRule(24)
CARD_NUMBER = TextRule(24)  # CNIE or IDCS, as typed with spaces
ONE_TIME_CODE = TextRule(12)
FLAG = TextRule(10)  # a checkbox or a button's value
SUBMISSION_KEY = TextRule(64)
CSRF_TOKEN = TextRule(200)
SAME_SITE_PATH = TextRule(500)  # where to go after login
CERTIFICATE_NUMBER = TextRule(40)

# Every field a form of the portal sends, by name. A name not listed here is
# not read by any page: the boundary drops it.
FORM_FIELDS: dict[str, TextRule] = {
    "csrf_token": CSRF_TOKEN,
    "continue": FLAG,
    "cancel": FLAG,
    # the questionnaire (docs/domain.md, "The household declaration")
    "region": CHOICE,
    "province": CHOICE,
    "milieu": CHOICE,
    "address": TextRule(ADDRESS_MAX, multiline=True),
    "phone": PHONE,
    "idcs": CARD_NUMBER,
    "birth_date": DATE,
    "relation": CHOICE,
    "marital_status": CHOICE,
    "education": CHOICE,
    "in_school": CHOICE,
    "activity": CHOICE,
    "occupation": CHOICE,
    "disability": CHOICE,
    "health_coverage": CHOICE,
    "dwelling_type": CHOICE,
    "occupancy": CHOICE,
    "monthly_rent": NUMBER,
    "rooms": NUMBER,
    "wall_material": CHOICE,
    "roof_material": CHOICE,
    "water_source": CHOICE,
    "sanitation": CHOICE,
    "electricity": CHOICE,
    "cooking_energy": CHOICE,
    "cars": NUMBER,
    "motorcycles": NUMBER,
    "tvs": NUMBER,
    "satellite_dishes": NUMBER,
    "refrigerators": NUMBER,
    "washing_machines": NUMBER,
    "computers": NUMBER,
    "smartphones": NUMBER,
    "air_conditioners": NUMBER,
    "home_internet": CHOICE,
    "cattle": NUMBER,
    "sheep_goats": NUMBER,
    "farm_land_ha": NUMBER,
    "tractors": NUMBER,
    "electricity_bill": NUMBER,
    "water_bill": NUMBER,
    "telecom": NUMBER,
    "butane_bottles": NUMBER,
    # submitting and declaring changes
    "submission_key": SUBMISSION_KEY,
    "base_version": NUMBER,
    "member": NUMBER,
    "reason": CHOICE,
    "honour": FLAG,
    "consent": FLAG,
    "understood": FLAG,
    "code": ONE_TIME_CODE,
    "kind": CHOICE,
    "language": CHOICE,  # of the SMS and emails a person receives
    # review requests and decisions
    "explanation": TextRule(EXPLANATION_MAX, multiline=True),
    "decision_reason": TextRule(DECISION_REASON_MAX, multiline=True),
    # the counter
    "id_type": CHOICE,
    "number": CARD_NUMBER,
    "cnie": CARD_NUMBER,
    "expires_on": DATE,
    "note": TextRule(IDENTITY_CHECK_NOTE_MAX, multiline=True),
    "outcome": CHOICE,
    "comment": TextRule(SUPERVISION_COMMENT_MAX, multiline=True),
    # signing in
    "next": SAME_SITE_PATH,
}

# Every query parameter a page reads, by name; the others are dropped.
QUERY_PARAMETERS: dict[str, TextRule] = {
    "lang": CHOICE,
    "next": SAME_SITE_PATH,
    "return": CHOICE,
    "member": NUMBER,
    "page": NUMBER,
    "mine": FLAG,
    "status": CHOICE,
    "reason": CHOICE,
    "region": CHOICE,
    "due": CHOICE,
    "number": CERTIFICATE_NUMBER,
    # the identity provider's answer to a login (OpenID Connect)
    "code": TextRule(2048),
    "state": TextRule(2048),
    "error": TextRule(200),
    "iss": TextRule(500),
}

# A value in the path of a URL: numbers and codes, never long.
PATH_VALUE = TextRule(100)
# Request headers the pages read (htmx's).
HEADER_VALUE = TextRule(100)
# The names of the fields a page shows in error (a live check keeps them shown).
SHOWN_ERRORS_HEADER = TextRule(1000)

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_ALWAYS_REFUSED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ufffe\uffff]")
_REFUSED_IN_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}\u2028\u2029\ufffe\uffff]")
_ALL_REFUSED = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ufffd\ufffe\uffff]"
)
BROKEN_ENCODING = "\ufffd"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# A date is asked in three fields, day, month and year, as the GOV.UK Design
# System does: a browser's date widget follows the browser's language and
# format (mm/dd/yyyy), not the page's. The fields are sent as <name>-day,
# <name>-month and <name>-year, and the boundary joins them into one answer.
DATE_PARTS = ("day", "month", "year")
_DATE_PART_RANGES = {"day": (1, 31), "month": (1, 12), "year": (1000, 9999)}


def date_from_parts(day: str, month: str, year: str) -> str:
    """The three fields as one date text: 2026-03-14 when each part is a number
    of its size, "" when none was typed, else the parts as typed, which no date
    rule takes for a date (so the answer is refused, never guessed)."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if not (day or month or year):
        return ""
    if not wrong_date_parts(day, month, year):
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{day} {month} {year}"


def wrong_date_parts(day: str, month: str, year: str) -> tuple[str, ...]:
    """The parts that cannot be a day, a month or a year, in that order."""
    wrong = []
    for name, text in zip(DATE_PARTS, (day.strip(), month.strip(), year.strip()), strict=True):
        low, high = _DATE_PART_RANGES[name]
        size = 4 if name == "year" else 2
        number = bounded_int(text, low, high) if len(text) <= size else None
        if number is None or (name == "year" and len(text) != 4):
            wrong.append(name)
    return tuple(wrong)


def date_parts_of(text: str) -> dict[str, str]:
    """An ISO date (2026-03-14) as the three fields show it: 14, 3, 2026."""
    if _ISO_DATE.fullmatch(text.strip()):
        year, month, day = text.strip().split("-")
        return {"day": str(int(day)), "month": str(int(month)), "year": year}
    return dict.fromkeys(DATE_PARTS, "")


def text_problem(value: str, rule: TextRule) -> Problem | None:
    """Why this text cannot be taken as an answer, or None if it can."""
    if BROKEN_ENCODING in value:
        return Problem("invalid_encoding")
    refused = _ALWAYS_REFUSED if rule.multiline else _REFUSED_IN_ONE_LINE
    if refused.search(value):
        return Problem("invalid_characters")
    if len(value) > rule.max_length:
        return Problem("too_long", {"max": rule.max_length})
    return None


def shown_again(value: str, rule: TextRule) -> str:
    """A refused answer as the form shows it back: without the characters that
    cannot be used, and no longer than allowed (never a 10 MB page)."""
    kept = _ALL_REFUSED.sub("", value[: rule.max_length * 2])
    if not rule.multiline:
        kept = kept.replace("\n", " ").replace("\r", "").replace("\t", " ")
    return kept[: rule.max_length]


def bounded_int(text: str, low: int, high: int) -> int | None:
    """The whole number written in ``text`` (ASCII digits only) if it lies in
    [low, high], else None.

    Digits are counted before converting: Python refuses to convert more than
    4,300 digits, and no answer needs that many.
    """
    digits = text.lstrip("0") or ("0" if text else "")
    if not digits or not (digits.isascii() and digits.isdecimal()):
        return None
    if len(digits) > len(str(high)):
        return None
    number = int(digits)
    return number if low <= number <= high else None


def calendar_date(text: str) -> date | None:
    """A real calendar date written as the browsers' date field sends it
    (2026-03-14), or None. 0000-00-00 and 2026-02-30 are not dates."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def plausible_birth_date(text: str, today: date) -> Problem | date:
    """A date of birth: a real date, not in the future, not before 1900."""
    if not text.strip():
        return Problem("enter_birth_date")
    born = calendar_date(text)
    if born is None or born.year < 1900:
        return Problem("date_format")
    if born > today:
        return Problem("birth_in_future")
    return born
