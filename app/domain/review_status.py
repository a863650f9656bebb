"""Where a review request stands, and the acts that move it (docs/domain.md, "Review request").

submitted --take--> in review --decide--> decided
                    in review --propose--> awaiting approval --approve--> decided
                                           awaiting approval --return--> in review

A correction that changes anyone's eligibility waits for a second reviewer
(four eyes); "return" sends it back to its reviewer, refused or outdated.
"""

from __future__ import annotations

from enum import StrEnum

from app.domain.errors import DomainError


class ReviewStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    AWAITING_APPROVAL = "awaiting_approval"
    DECIDED = "decided"


# Open: one at a time per household (a partial unique index holds it).
OPEN = (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, ReviewStatus.AWAITING_APPROVAL)

# act: (the status it starts from, the status it leads to, the refusal elsewhere)
TRANSITIONS: dict[str, tuple[ReviewStatus, ReviewStatus, str]] = {
    "take": (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, "taken_by_other"),
    "decide": (ReviewStatus.IN_REVIEW, ReviewStatus.DECIDED, "review_not_in_review"),
    "propose": (ReviewStatus.IN_REVIEW, ReviewStatus.AWAITING_APPROVAL, "review_not_in_review"),
    "approve": (ReviewStatus.AWAITING_APPROVAL, ReviewStatus.DECIDED, "nothing_to_approve"),
    "return": (ReviewStatus.AWAITING_APPROVAL, ReviewStatus.IN_REVIEW, "nothing_to_approve"),
}


def may(status: str, act: str) -> bool:
    return status == TRANSITIONS[act][0]


def after(status: str, act: str) -> ReviewStatus:
    """The status once ``act`` is done; its refusal if the request is not where it starts."""
    start, end, refusal = TRANSITIONS[act]
    if status != start:
        raise DomainError(refusal)
    return end
