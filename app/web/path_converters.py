"""What a path may hold: each variable part of a URL has a converter, and
anything else is a 404 before a view runs (part of the input boundary,
``input_boundary``)."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, IntegerConverter, Map

from app.domain.input_rules import DATABASE_INT_MAX
from app.domain.sections import SECTIONS


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>``: a whole number PostgreSQL's INTEGER can hold, else 404."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 0,
                 max: int | None = DATABASE_INT_MAX, signed: bool = False) -> None:  # fmt: skip
        super().__init__(map, fixed_digits, min, max, signed=False)


class ReviewNumberConverter(BaseConverter):
    """A review request's number, REV-2026-000042."""

    regex = r"REV-[0-9]{4}-[0-9]{6,10}"


class CertificateNumberConverter(BaseConverter):
    """A certificate's 20 digits (as stored, for downloads)."""

    regex = r"[0-9]{20}"


class TypedCertificateNumberConverter(BaseConverter):
    """A certificate number as people type it: digits, spaces and dashes."""

    regex = r"[0-9][0-9 \-]{0,38}"


class DraftMemberKeyConverter(BaseConverter):
    """The key of a member in a registration draft (12 hexadecimal digits)."""

    regex = r"[0-9a-f]{12}"


class QuestionnaireSectionConverter(BaseConverter):
    """A section of the questionnaire (``domain.sections``), by name; anything else is a 404."""

    regex = "|".join(SECTIONS)


CONVERTERS: dict[str, type[BaseConverter]] = {
    "int": DatabaseIdConverter,
    "review_number": ReviewNumberConverter,
    "certificate_number": CertificateNumberConverter,
    "typed_certificate_number": TypedCertificateNumberConverter,
    "member_key": DraftMemberKeyConverter,
    "questionnaire_section": QuestionnaireSectionConverter,
}
