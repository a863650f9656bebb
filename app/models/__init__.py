"""SQLAlchemy tables. Importing this package registers every table on ``Base.metadata``."""

from app.models.accounts import Account, StaffRole, StaffUser, WebSession
from app.models.audit import AuditEvent
from app.models.households import (
    Household,
    HouseholdStatus,
    HouseholdVersion,
    HouseholdVersionMember,
    Membership,
)
from app.models.people import Person

__all__ = [
    "Account",
    "AuditEvent",
    "Household",
    "HouseholdStatus",
    "HouseholdVersion",
    "HouseholdVersionMember",
    "Membership",
    "Person",
    "StaffRole",
    "StaffUser",
    "WebSession",
]
