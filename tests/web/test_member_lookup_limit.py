"""The RNP look-up limit holds on every path that finds a member by IDCS and
birth date: registration, the *birth* and *someone joins* changes, and a
reviewer's correction. The attack it replays: youssef tried every day of
1984 for Hassan's IDCS through a change, and found his birth date."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import HouseholdVersion, Membership, Person, RateLimitCounter
from app.services.rnp_lookup import LOOKUP_FAILURES_PER_HOUR
from tests.support.household import declare
from tests.support.login import login_as
from tests.support.pages import CheckingClient, csrf_token_in, soup_of
from tests.web.test_review_desk import taken_by_omar

HASSAN_IDCS = "1000000102"
HASSAN_BORN = date(1984, 7, 2)
JOINS = {"relation": "spouse", "marital_status": "married", "education": "primary",
         "activity": "employed", "occupation": "laborer", "disability": "no",
         "health_coverage": "none"}  # fmt: skip


def failures_counted(db: Session) -> int:
    db.expire_all()
    return sum(db.scalars(select(RateLimitCounter.hits)))


def hassan_joined(db: Session) -> bool:
    hassan = db.scalar(select(Person).where(Person.idcs == HASSAN_IDCS))
    assert hassan is not None
    return db.scalar(select(Membership).where(Membership.person_id == hassan.id)) is not None


def test_trying_every_day_of_1984_through_a_change_gives_no_birth_date(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    statuses = []
    day = date(1984, 1, 1)
    while day <= HASSAN_BORN:  # 184 tries, the last one right
        answers = {"idcs": HASSAN_IDCS, "birth_date": day.isoformat(), **JOINS}
        statuses.append(declare(client, "member_joined", answers).status_code)
        day += timedelta(days=1)
    assert len(statuses) == 184
    # Ten wrong dates are answered "not found"; from then on, nothing is compared.
    assert statuses[:LOOKUP_FAILURES_PER_HOUR] == [200] * LOOKUP_FAILURES_PER_HOUR
    assert set(statuses[LOOKUP_FAILURES_PER_HOUR:]) == {429}
    assert not hassan_joined(db)
    assert db.scalar(select(HouseholdVersion).where(HouseholdVersion.number == 2)) is None
    # The refused changes rolled back; their failures did not.
    assert failures_counted(db) == LOOKUP_FAILURES_PER_HOUR


def test_the_birth_change_counts_failures_too(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "youssef")
    for n in range(LOOKUP_FAILURES_PER_HOUR):
        answers = {"idcs": HASSAN_IDCS, "birth_date": f"1984-01-{n + 1:02d}", **JOINS}
        assert declare(client, "birth", answers).status_code == 200
    right = {"idcs": HASSAN_IDCS, "birth_date": HASSAN_BORN.isoformat(), **JOINS}
    assert declare(client, "birth", right).status_code == 429
    assert not hassan_joined(db)


def test_a_reviewers_correction_counts_failures_and_stops_after_ten(
    client: CheckingClient, demo: None, db: Session
) -> None:
    number = taken_by_omar(client)
    path = f"/backoffice/reviews/{number}/correct/member_joined"

    def correct(birth_date: str) -> int:
        form = soup_of(client.get(path)).find("form", id="section-form")
        assert form is not None
        hidden = {str(i["name"]): str(i["value"])
                  for i in form.find_all("input", attrs={"type": "hidden"})}  # fmt: skip
        answers = {"idcs": HASSAN_IDCS, "birth_date": birth_date, **JOINS}
        data = {**hidden, **answers, "decision_reason": "Acte de mariage vu.", "continue": "1"}
        return client.post(path, data=data).status_code

    for n in range(LOOKUP_FAILURES_PER_HOUR):
        assert correct(f"1984-02-{n + 1:02d}") == 200
    assert failures_counted(db) == LOOKUP_FAILURES_PER_HOUR
    assert correct(HASSAN_BORN.isoformat()) == 429
    assert not hassan_joined(db)


def test_registration_stops_after_ten_failures(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "amina")
    client.get("/household/register")  # starts the draft
    token = csrf_token_in(client.get("/household/register/members"))

    def look_up(birth_date: str) -> int:
        data = {"csrf_token": token, "idcs": HASSAN_IDCS, "birth_date": birth_date}
        return client.post("/household/register/members/lookup", data=data).status_code

    for n in range(LOOKUP_FAILURES_PER_HOUR):
        assert look_up(f"1984-03-{n + 1:02d}") == 200
    assert look_up(HASSAN_BORN.isoformat()) == 429
    assert failures_counted(db) == LOOKUP_FAILURES_PER_HOUR


def test_a_match_does_not_count_as_a_failure(
    client: CheckingClient, demo: None, db: Session
) -> None:
    login_as(client, "amina")
    client.get("/household/register")
    token = csrf_token_in(client.get("/household/register/members"))
    data = {"csrf_token": token, "idcs": HASSAN_IDCS, "birth_date": HASSAN_BORN.isoformat()}
    for _ in range(LOOKUP_FAILURES_PER_HOUR + 2):
        found = client.post("/household/register/members/lookup", data=data)
        assert found.status_code in (200, 302)
    assert failures_counted(db) == 0
