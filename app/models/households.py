"""Households in the register, their immutable data versions, and who belongs where."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.types import UTCDateTime

if TYPE_CHECKING:
    from app.models.people import Person


class HouseholdStatus(enum.StrEnum):
    ACTIVE = "active"
    DEREGISTERED = "deregistered"


class Household(Base):
    """A registered household.

    ``version_number`` is the optimistic lock: every change states the version
    it was based on, and a change based on an old one is refused.
    """

    __tablename__ = "households"
    __table_args__ = (CheckConstraint("status IN ('active', 'deregistered')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rsu_number: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=HouseholdStatus.ACTIVE.value)
    declarant_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    version_number: Mapped[int] = mapped_column(Integer, default=1)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The declarant confirmed, without a change, that the data is still true.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deregistered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    declarant: Mapped[Person] = relationship()
    versions: Mapped[list[HouseholdVersion]] = relationship(
        back_populates="household", order_by="HouseholdVersion.number"
    )


class HouseholdVersion(Base):
    """An immutable snapshot of a household's declaration.

    Decree 2-21-582 keeps every declared state: a change makes a new version,
    it never edits an old one (the ORM refuses updates, see services.versions).
    """

    __tablename__ = "household_versions"
    __table_args__ = (
        UniqueConstraint("household_id", "number", name="uq_household_versions_household_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # Plain JSON, not JSONB: the snapshot is kept as declared, read whole and
    # never queried inside, and JSON text reads back several times faster.
    declaration: Mapped[dict[str, Any]] = mapped_column(JSON)
    event: Mapped[str] = mapped_column(String(40))  # registration, birth, move, ...
    made_by: Mapped[str] = mapped_column(String(20))  # declarant, agent, reviewer, system
    made_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    household: Mapped[Household] = relationship(back_populates="versions")
    members: Mapped[list[HouseholdVersionMember]] = relationship(
        back_populates="version", order_by="HouseholdVersionMember.position"
    )


class HouseholdVersionMember(Base):
    """Who was a member in a given version, in the declared order."""

    __tablename__ = "household_version_members"

    version_id: Mapped[int] = mapped_column(ForeignKey("household_versions.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    relation: Mapped[str] = mapped_column(String(20))

    version: Mapped[HouseholdVersion] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class ChangeSubmission(Base):
    """The version a declared change made, by submission key: sending the same
    form twice (double click, back button, retry) finds it and changes nothing."""

    __tablename__ = "change_submissions"

    submission_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Membership(Base):
    """A person's belonging to a household, from ``started_at`` until ``ended_at``.

    A person belongs to at most one registered household (docs/domain.md): the
    partial unique index enforces it in the database, so two declarants who
    submit the same person at the same moment cannot both succeed.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        Index(
            "uq_memberships_active_person",
            "person_id",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
            sqlite_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    relation: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))

    household: Mapped[Household] = relationship()
    person: Mapped[Person] = relationship()
