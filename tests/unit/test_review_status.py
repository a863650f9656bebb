"""Where a review request may go from where it stands (domain.review_status)."""

from __future__ import annotations

import pytest

from app.domain.errors import DomainError
from app.domain.review_status import OPEN, TRANSITIONS, ReviewStatus, after, may


def test_the_four_eyes_path() -> None:
    status = after(ReviewStatus.SUBMITTED, "take")
    status = after(status, "propose")
    assert status == ReviewStatus.AWAITING_APPROVAL
    assert after(status, "return") == ReviewStatus.IN_REVIEW
    assert after(status, "approve") == ReviewStatus.DECIDED


@pytest.mark.parametrize("act", sorted(TRANSITIONS))
def test_every_act_is_refused_from_anywhere_but_its_start(act: str) -> None:
    start, _end, refusal = TRANSITIONS[act]
    for status in ReviewStatus:
        if status == start:
            assert may(status, act)
        else:
            with pytest.raises(DomainError) as refused:
                after(status, act)
            assert refused.value.code == refusal


def test_a_decided_request_is_closed_and_goes_nowhere() -> None:
    assert ReviewStatus.DECIDED not in OPEN
    assert not any(may(ReviewStatus.DECIDED, act) for act in TRANSITIONS)
