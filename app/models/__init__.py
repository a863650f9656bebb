"""SQLAlchemy tables. Importing this package registers every table on ``Base.metadata``."""

from app.models.accounts import Account, SpentLoginState, StaffRole, StaffUser, WebSession
from app.models.audit import AuditEvent
from app.models.certificates import Certificate
from app.models.counter import AssistedSession, ConsentCode
from app.models.documents import DocumentContent
from app.models.households import (
    ChangeSubmission,
    Household,
    HouseholdStatus,
    HouseholdVersion,
    HouseholdVersionMember,
    Membership,
)
from app.models.outbox import OutboxMessage
from app.models.people import Person
from app.models.rate_limits import RateLimitCounter
from app.models.registration import RegistrationDraft, RegistrationSubmission
from app.models.reviews import ReviewDocument, ReviewRequest
from app.models.scoring import (
    RescoringChunk,
    RescoringRun,
    Score,
    ScoringModelRecord,
)

__all__ = [
    "Account",
    "AssistedSession",
    "AuditEvent",
    "Certificate",
    "ChangeSubmission",
    "ConsentCode",
    "DocumentContent",
    "Household",
    "HouseholdStatus",
    "HouseholdVersion",
    "HouseholdVersionMember",
    "Membership",
    "OutboxMessage",
    "Person",
    "RateLimitCounter",
    "RegistrationDraft",
    "RegistrationSubmission",
    "RescoringChunk",
    "RescoringRun",
    "ReviewDocument",
    "ReviewRequest",
    "Score",
    "ScoringModelRecord",
    "SpentLoginState",
    "StaffRole",
    "StaffUser",
    "WebSession",
]
