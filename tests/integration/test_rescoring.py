"""Scores on PostgreSQL: history kept, current score, and national rescoring
that resumes after a crash, repeats harmlessly, and leaves nobody behind."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.domain.scoring import ScoringModel, compute_score, parse_model
from app.domain.scoring.programmes import programmes_in_force
from app.models import (
    Certificate,
    Household,
    HouseholdVersion,
    OutboxMessage,
    RescoringChunk,
    Score,
)
from app.services import certificates, rescoring
from app.services.actors import Actor
from app.services.demo import seed_demo_people
from app.services.rescoring import households_without_score, publish_model, score_seeded_households
from app.services.scoring import DEFAULT_MODEL_FILE, current_score, score_history
from app.services.synthetic_population import seed_synthetic_population

TODAY = date.today()


def variant(model_id: str, intercept_shift: str = "0") -> ScoringModel:
    """The default model under another id, its intercepts moved by ``intercept_shift``."""
    text = DEFAULT_MODEL_FILE.read_text()
    text = re.sub(r'^id = ".*"$', f'id = "{model_id}"', text, count=1, flags=re.M)
    text = re.sub(
        r"^intercept = (.*)$",
        lambda m: f"intercept = {Decimal(m.group(1)) + Decimal(intercept_shift)}",
        text,
        flags=re.M,
    )
    return parse_model(text, f"{model_id}.toml")


@pytest.fixture
def population(db: Session) -> int:
    seed_demo_people(db)
    seed_synthetic_population(
        db, 900, seed=5, as_of=TODAY, chunk_size=300, after_chunk=score_seeded_households, workers=1
    )
    return 901


def count(db: Session, model: Any, *conditions: Any) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def test_seeded_households_get_their_first_score(db: Session, population: int) -> None:
    assert count(db, Score, Score.reason == "registration") == population
    assert households_without_score(db, "pmt-2026-01-illustrative") == 0


def test_a_score_carries_its_version_model_and_contributions(db: Session, population: int) -> None:
    household = db.scalar(select(Household).order_by(Household.id).limit(1))
    assert household is not None
    score = current_score(db, household)
    assert score is not None
    assert (
        score.version.household_id == household.id and score.model_id == "pmt-2026-01-illustrative"
    )
    total = (
        score.intercept
        + sum(score.contribution_values().values(), Decimal(0))
        + score.regional_effect
    )
    assert total == score.value
    recomputed = compute_score(score.version.declaration, variant("pmt-2026-01-illustrative"))
    assert recomputed.value == score.value


def exact_results(db: Session, model_id: str) -> dict[int, Decimal]:
    rows = db.execute(select(Score.household_id, Score.value).where(Score.model_id == model_id))
    return dict(rows.all())


def expected_changes(db: Session, old_model: str, new_model: str) -> int:
    programmes = programmes_in_force(TODAY)
    old, new = exact_results(db, old_model), exact_results(db, new_model)
    return sum(
        1
        for household_id, value in new.items()
        if {p.code for p in programmes if p.admits(old[household_id])}
        != {p.code for p in programmes if p.admits(value)}
    )


def test_publishing_rescores_every_active_household_and_keeps_history(
    db: Session, population: int
) -> None:
    model = variant("pmt-test-lower", "-0.4")
    report = publish_model(db, model, Actor.system(), chunk_size=100, workers=1)
    assert report.created and report.households == population
    assert report.chunks == 10  # 901 households in chunks of 100
    assert households_without_score(db, model.id) == 0
    # History: the registration scores are still there.
    assert count(db, Score) == 2 * population
    household = db.scalar(select(Household).order_by(Household.id).limit(1))
    assert household is not None
    history = score_history(db, household.id)
    assert [s.reason for s in history] == ["model_update", "registration"]
    assert current_score(db, household).model_id == model.id  # type: ignore[union-attr]
    # Every score is exactly what the model computes on the current version.
    for score in db.scalars(select(Score).where(Score.model_id == model.id)):
        assert score.value == compute_score(score.version.declaration, model).value
    # One outbox message per household whose eligibility changed.
    changes = expected_changes(db, "pmt-2026-01-illustrative", model.id)
    assert changes > 0
    assert (
        report.eligibility_changes
        == changes
        == count(db, OutboxMessage, OutboxMessage.kind == "eligibility_changed")
    )


def test_publishing_again_changes_nothing(db: Session, population: int) -> None:
    model = variant("pmt-test-again", "0.2")
    publish_model(db, model, Actor.system(), chunk_size=100, workers=1)
    scores, messages = count(db, Score), count(db, OutboxMessage)
    again = publish_model(db, model, Actor.system(), chunk_size=100, workers=1)
    assert not again.created
    assert (count(db, Score), count(db, OutboxMessage)) == (scores, messages)


def test_another_model_under_a_used_id_is_refused(db: Session, population: int) -> None:
    publish_model(db, variant("pmt-test-id", "0.1"), Actor.system(), chunk_size=300, workers=1)
    with pytest.raises(DomainError) as error:
        publish_model(db, variant("pmt-test-id", "0.3"), Actor.system(), chunk_size=300, workers=1)
    assert error.value.code == "model_id_taken"


def test_a_crash_midway_then_resume_gives_the_same_result_as_a_clean_run(
    db: Session, population: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashed = variant("pmt-test-crash", "-0.3")
    real_process = rescoring.process_chunk
    calls = {"n": 0}

    def crash_on_fourth_chunk(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("power cut")
        return real_process(*args, **kwargs)

    monkeypatch.setattr(rescoring, "process_chunk", crash_on_fourth_chunk)
    with pytest.raises(RuntimeError, match="power cut"):
        publish_model(db, crashed, Actor.system(), chunk_size=100, workers=1)
    db.rollback()
    done = count(db, RescoringChunk, RescoringChunk.done_at.is_not(None))
    assert done == 3
    assert 0 < count(db, Score, Score.model_id == crashed.id) < population

    # Meanwhile a household changes: its new version must be the one scored.
    household = db.scalar(select(Household).order_by(Household.id.desc()).limit(1))
    assert household is not None
    latest = db.scalar(
        select(HouseholdVersion).where(HouseholdVersion.household_id == household.id)
    )
    assert latest is not None
    declaration = {**latest.declaration, "assets": {**latest.declaration["assets"], "cars": 2}}
    db.add(HouseholdVersion(household_id=household.id, number=2, declaration=declaration, event="assets",
                            made_by="declarant", created_at=latest.created_at))  # fmt: skip
    household.version_number = 2
    db.commit()

    monkeypatch.setattr(rescoring, "process_chunk", real_process)
    resumed = publish_model(db, crashed, Actor.system(), chunk_size=100, workers=1)
    assert not resumed.created
    assert households_without_score(db, crashed.id) == 0
    # Same model, other id, in one clean run: identical results for every household.
    clean = variant("pmt-test-clean", "-0.3")
    publish_model(db, clean, Actor.system(), chunk_size=100, workers=1)
    crashed_values = {
        h: v for h, v in db.execute(
            select(Score.household_id, Score.value)
            .join(HouseholdVersion, Score.household_version_id == HouseholdVersion.id)
            .join(Household, Household.id == Score.household_id)
            .where(Score.model_id == crashed.id, HouseholdVersion.number == Household.version_number)
        ).all()
    }  # fmt: skip
    assert crashed_values == exact_results(db, clean.id)
    # No household was scored twice for a version.
    duplicates = db.scalar(
        select(func.count()).select_from(
            select(Score.household_version_id)
            .where(Score.model_id == crashed.id)
            .group_by(Score.household_version_id)
            .having(func.count() > 1)
            .subquery()
        )
    )
    assert duplicates == 0


def test_deregistered_households_are_not_rescored(db: Session, population: int) -> None:
    household = db.scalar(select(Household).order_by(Household.id.desc()).limit(1))
    assert household is not None
    household.status = "deregistered"
    db.commit()
    model = variant("pmt-test-dereg", "0.1")
    report = publish_model(db, model, Actor.system(), chunk_size=300, workers=1)
    assert report.households == population - 1
    assert count(db, Score, Score.household_id == household.id, Score.model_id == model.id) == 0


def test_publishing_supersedes_the_score_certificates_and_only_those(
    db: Session, population: int
) -> None:
    """One statement per chunk supersedes the score certificates of the
    households it rescored: all of them, and no certificate of another kind."""
    households = db.scalars(select(Household).order_by(Household.id).limit(3)).all()
    actor = Actor.system()

    def blank(_certificate: Certificate) -> bytes:
        return b"%PDF-1.7 (not rendered: only the rows matter here)"

    scores = [certificates.issue(db, h, "score", actor, blank) for h in households]
    registration = certificates.issue(db, households[0], "registration", actor, blank)
    publish_model(db, variant("pmt-test-certificates", "0.3"), Actor.system(), chunk_size=100,
                  workers=1)  # fmt: skip
    db.expire_all()
    assert [c.status for c in scores] == ["superseded"] * len(households)
    assert registration.status == "valid"


def test_worker_processes_give_the_same_scores(db: Session, population: int) -> None:
    model = variant("pmt-test-workers", "-0.2")
    report = publish_model(db, model, Actor.system(), chunk_size=100, workers=2)
    assert report.households == population
    for score in db.scalars(select(Score).where(Score.model_id == model.id).limit(50)):
        assert score.value == compute_score(score.version.declaration, model).value


def test_the_cli_validates_and_refuses_a_broken_model(app: Any, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    good = runner.invoke(args=["scoring", "validate", str(DEFAULT_MODEL_FILE)])
    assert good.exit_code == 0 and "valid" in good.output
    broken = tmp_path / "broken.toml"
    broken.write_text(DEFAULT_MODEL_FILE.read_text().replace("cars = ", "yachts = ", 1))
    bad = runner.invoke(args=["scoring", "validate", str(broken)])
    assert bad.exit_code == 1
    assert f"{broken}: urban.coefficients.cars: missing coefficient" in bad.output


def test_simulate_prints_one_json_object(app: Any, db: Session) -> None:
    import json

    seed_demo_people(db)
    result = app.test_cli_runner().invoke(
        args=["scoring", "simulate", "--households", "2000", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["households"] == 2000 and data["model"] == "pmt-2026-01-illustrative"
    assert set(data["share_eligible"]) >= {"amo_tadamon", "asd"}
    assert set(data["quantiles"]) == {"p10", "p50", "p90"}


def test_explain_prints_the_households_score(app: Any, db: Session) -> None:
    household = seed_demo_people(db)
    result = app.test_cli_runner().invoke(args=["scoring", "explain", household.rsu_number])
    assert result.exit_code == 0, result.output
    assert "9.2355063" in result.output and "amo_tadamon: eligible" in result.output


def test_two_publishers_at_once_share_the_work_and_outlive_a_held_chunk(
    app: Any, db: Session, population: int
) -> None:
    """Two machines publish the same model at the same moment, while a third
    holds one chunk and dies: both finish, every household scored once."""
    import threading

    model = variant("pmt-test-together", "-0.2")
    publish_model(db, model, Actor.system(), chunk_size=100, workers=1)  # plans the run
    sessions = app.extensions["rsu_db"]
    # Undo the work but keep the plan: the chunks are to do again, as at the start.
    db.execute(Score.__table__.delete().where(Score.model_id == model.id))
    db.execute(RescoringChunk.__table__.update().values(done_at=None, households=0))
    db.commit()
    holder = sessions()  # a publisher in the middle of the third chunk
    held = holder.scalars(
        select(RescoringChunk).order_by(RescoringChunk.first_household_id).offset(2).limit(1)
        .with_for_update()
    ).one()  # fmt: skip
    reports: list[Any] = []
    errors: list[BaseException] = []

    def publish() -> None:
        with sessions() as own:
            try:
                reports.append(publish_model(own, model, Actor.system(), workers=1))
            except BaseException as error:
                errors.append(error)

    publishers = [threading.Thread(target=publish) for _ in range(2)]
    try:
        for publisher in publishers:
            publisher.start()
        publishers[0].join(timeout=2)
        waited = publishers[0].is_alive()  # for the held chunk, not done without it
    finally:
        holder.close()  # its machine dies: the lock goes with the connection
        for publisher in publishers:
            publisher.join(timeout=60)
    assert waited
    assert not errors and len(reports) == 2
    assert held.first_household_id > 0
    assert households_without_score(db, model.id) == 0
    assert count(db, Score, Score.model_id == model.id) == population
    assert count(db, RescoringChunk, RescoringChunk.done_at.is_(None)) == 0
