"""``flask scoring``: validate and publish models, simulate, explain a household's score."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.domain.scoring import ModelError, ScoringModel, load_model
from app.extensions import db
from app.services.actors import Actor


@click.group("scoring", help="Scoring models: validate, publish, simulate, explain.")
def scoring_group() -> None:
    pass


def _load(path: str) -> ScoringModel:
    try:
        return load_model(path)
    except ModelError as error:
        click.echo(f"Invalid model: {error}", err=True)
        sys.exit(1)


@scoring_group.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def validate(file: str) -> None:
    """Check a model file; every error names the file and the key."""
    model = _load(file)
    counts = ", ".join(f"{m}: {len(p.coefficients)} variables" for m, p in model.milieus.items())
    flag = " (illustrative)" if model.illustrative else ""
    click.echo(f"{model.id}{flag}, effective {model.effective_date}: valid ({counts}).")


class _ChunkProgress:
    """A progress bar whose length is known only once the chunks are planned."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def start(self, chunks: int) -> None:
        self.bar = click.progressbar(length=chunks, label=self.label)
        self.bar.render_progress()

    def advance(self, _result: object) -> None:
        self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()


@scoring_group.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--chunk-size", type=click.IntRange(min=100), default=5000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Default: one per core.")
@with_appcontext
def publish(file: str, chunk_size: int, workers: int | None) -> None:
    """Register a model version and rescore every active household.

    Safe to run again: after a crash it resumes where it stopped; once done
    it does nothing more.
    """
    from app.services.rescoring import households_without_score, publish_model

    model = _load(file)
    progress = _ChunkProgress(f"Rescoring with {model.id}")
    try:
        report = publish_model(
            db.session,
            model,
            Actor.system(),
            chunk_size=chunk_size,
            workers=workers,
            on_plan=progress.start,
            on_chunk=progress.advance,
        )
    except DomainError as error:
        click.echo(f"Not published: {error.code} {error.details}", err=True)
        sys.exit(1)
    finally:
        progress.finish()
    left = households_without_score(db.session, model.id)
    rate = report.households / report.seconds if report.seconds else 0
    click.echo(
        f"{model.id}: {'published' if report.created else 'already published'}; "
        f"{report.households} households rescored in {report.seconds:.1f} s ({rate:.0f}/s), "
        f"{report.eligibility_changes} eligibility changes queued for notification, "
        f"{left} households left without a score."
    )


@scoring_group.command("simulate")
@click.option("--households", type=click.IntRange(min=1), default=20000, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--model", "model_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A model file instead of the active model.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def simulate(households: int, seed: int, model_file: str | None, as_json: bool) -> None:
    """Score N synthetic households in memory with the active model (nothing is stored)."""
    from app.domain.scoring.simulation import simulate as run_simulation
    from app.services.scoring import active_model

    if model_file:
        model = _load(model_file)
    else:
        try:
            model = active_model(db.session)
        except DomainError:
            click.echo("No published model: run `flask scoring publish FILE` first.", err=True)
            sys.exit(1)
    result = run_simulation(model, households, seed, clock.today())
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"{households} synthetic households scored with {model.id}:")
    for code, share in result["share_eligible"].items():
        click.echo(f"  {code}: {share:.1%} eligible")
    click.echo("  quantiles: " + ", ".join(f"{k} {v:.4f}" for k, v in result["quantiles"].items()))


@scoring_group.command("explain")
@click.argument("rsu_number")
@with_appcontext
def explain(rsu_number: str) -> None:
    """Print a household's current score and what made it (for agency staff)."""
    from app.domain.scoring.explanation import explain as explain_score
    from app.models import Household
    from app.services.scoring import current_score, eligibility_of

    household = db.session.scalar(
        select(Household).where(Household.rsu_number == rsu_number.strip().upper())
    )
    score = current_score(db.session, household) if household else None
    if household is None or score is None:
        click.echo(f"No scored household {rsu_number}.", err=True)
        sys.exit(1)
    explanation = explain_score(score.contribution_values(), score.regional_effect)
    click.echo(f"{household.rsu_number}: score {score.value} ({score.milieu}, {score.region})")
    click.echo(
        f"model {score.model_id}, computed {score.computed_at:%Y-%m-%d %H:%M} UTC,"
        f" reason {score.reason}"
    )
    for decision in eligibility_of(household, score).decisions:
        verdict = "eligible" if decision.eligible else "not eligible"
        click.echo(
            f"  {decision.programme.code}: {verdict} (threshold {decision.programme.threshold})"
        )
    click.echo(f"intercept {score.intercept}")
    for group in explanation.groups:
        click.echo(f"  {group.name:15} {group.total:+.7f}")
        for fact in group.facts:
            click.echo(f"      {fact.variable:32} {fact.contribution:+.7f}  ({fact.source})")
