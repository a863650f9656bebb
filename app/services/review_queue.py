"""The reviewers' queue: review requests, the most urgent first, filtered and paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app import clock
from app.domain.review_status import OPEN, ReviewStatus
from app.models import (
    Household,
    StaffUser,
)
from app.models.reviews import REVIEW_REASONS, ReviewRequest
from app.services.accounts import staff_of
from app.services.actors import Actor

DUE_SOON = timedelta(days=7)


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"  # open, submitted, in_review, awaiting_approval, decided, all
    reason: str = ""
    region: str = ""
    due: str = ""  # "", soon, overdue
    mine: bool = False


@dataclass(frozen=True)
class QueuePage:
    reviews: list[ReviewRequest]
    total: int
    page: int
    pages: int
    staff: dict[int, StaffUser]


QUEUE_PAGE_SIZE = 25


def queue(
    db: Session, filters: QueueFilters, actor: Actor, page: int = 1, today: date | None = None
) -> QueuePage:
    """Review requests, the most urgent first."""
    today = today or clock.today()
    conditions: list[ColumnElement[bool]] = []
    if filters.status == "open":
        conditions.append(ReviewRequest.status.in_(OPEN))
    elif filters.status in tuple(ReviewStatus):
        conditions.append(ReviewRequest.status == filters.status)
    if filters.reason in REVIEW_REASONS:
        conditions.append(ReviewRequest.reason == filters.reason)
    if filters.region:
        conditions.append(Household.region == filters.region)
    if filters.due == "overdue":
        conditions += [ReviewRequest.status.in_(OPEN), ReviewRequest.due_on < today]
    elif filters.due == "soon":
        conditions += [
            ReviewRequest.status.in_(OPEN),
            ReviewRequest.due_on.between(today, today + DUE_SOON),
        ]
    if filters.mine:
        conditions.append(ReviewRequest.assigned_to_account_id == actor.account_id)
    base = select(ReviewRequest).join(Household, ReviewRequest.household_id == Household.id)
    if conditions:
        base = base.where(and_(*conditions))
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // QUEUE_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = list(
        db.scalars(
            base.order_by(ReviewRequest.due_on, ReviewRequest.id)
            .offset((page - 1) * QUEUE_PAGE_SIZE)
            .limit(QUEUE_PAGE_SIZE)
        )
    )
    assigned = {r.assigned_to_account_id for r in rows if r.assigned_to_account_id}
    return QueuePage(rows, total, page, pages, staff_of(db, assigned))
