"""Login identities, staff, server-side web sessions, and the logins already used."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONDocument
from app.models.types import UTCDateTime

if TYPE_CHECKING:
    from app.models.people import Person


class StaffRole(enum.StrEnum):
    COUNTER_AGENT = "counter_agent"
    REVIEWER = "reviewer"
    # Checks the counter sessions opened without a code (identity checks).
    COUNTER_SUPERVISOR = "counter_supervisor"
    ADMIN = "admin"


class Account(Base):
    """One login identity, keyed by the provider's (issuer, subject).

    The subject is the provider's opaque id; the link to a person comes from
    the IDCS or CNIE claim, so a person keeps their data if the provider
    changes subjects.
    """

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_accounts_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    preferred_locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person | None] = relationship(lazy="joined")
    staff: Mapped[StaffUser | None] = relationship(back_populates="account", lazy="joined")


class StaffUser(Base):
    """An agency or counter staff member. Roles are refreshed from the login claim."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    office: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    account: Mapped[Account] = relationship(back_populates="staff")

    def has_role(self, role: StaffRole) -> bool:
        return self.active and role.value in self.roles


class WebSession(Base):
    """A server-side session. The cookie holds only a random id; we store its hash.

    Storing the hash means a copy of this table cannot be replayed as cookies.
    """

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    authenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SpentLoginState(Base):
    """The ``state`` of each login that signed someone in (its SHA-256).

    Written in the same transaction as the login, under a primary key: when
    one provider answer reaches the portal twice at the same moment, only one
    of them signs in. Rows are useless once their login could no longer be
    pending, and are deleted then (see ``accounts.sign_in``).
    """

    __tablename__ = "spent_login_states"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    spent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
