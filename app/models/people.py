"""The mirror of the population register (RNP) that the local adapter reads."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Person(Base):
    """A person as the RNP knows them.

    ``in_rnp`` is false for someone who logged in with a CNIE but has no IDCS
    yet: they exist for the portal (to be guided) but may not be declared.
    """

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint("sex IN ('F', 'M')", name="sex"),
        CheckConstraint("NOT in_rnp OR idcs IS NOT NULL", name="rnp_has_idcs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idcs: Mapped[str | None] = mapped_column(String(10), unique=True)
    cnie: Mapped[str | None] = mapped_column(String(12), unique=True)
    first_name_ar: Mapped[str] = mapped_column(String(100))
    last_name_ar: Mapped[str] = mapped_column(String(100))
    first_name_latin: Mapped[str] = mapped_column(String(100))
    last_name_latin: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str | None] = mapped_column(String(13))
    email: Mapped[str | None] = mapped_column(String(254))
    in_rnp: Mapped[bool] = mapped_column(Boolean, default=True)

    def full_name(self, language: str) -> str:
        """The name in the script that suits the page's language."""
        if language == "ar":
            return f"{self.first_name_ar} {self.last_name_ar}"
        return f"{self.first_name_latin} {self.last_name_latin}"

    def first_name(self, language: str) -> str:
        return self.first_name_ar if language == "ar" else self.first_name_latin
