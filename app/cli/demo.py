"""``flask demo seed``: the demo people and a synthetic population."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app import clock
from app.extensions import db
from app.models import Household


@click.group("demo", help="Demo data for development and benchmarks.")
def demo_group() -> None:
    pass


@demo_group.command("seed")
@click.option(
    "--households",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="How many synthetic households to generate and load.",
)
@click.option(
    "--seed", "random_seed", type=int, default=2026, show_default=True, help="Random seed."
)
@click.option("--chunk-size", type=click.IntRange(min=100), default=10_000, show_default=True)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load synthetic households only if there are none yet (for `make run`).",
)
@with_appcontext
def seed(households: int, random_seed: int, chunk_size: int, if_empty: bool) -> None:
    """Create the demo people (youssef's household registered), then N synthetic households."""
    from app.services.demo import seed_demo_people
    from app.services.rescoring import score_seeded_households
    from app.services.synthetic_population import next_synthetic_serial, seed_synthetic_population

    household = seed_demo_people(db.session)
    click.echo(f"Demo people ready; youssef's household is {household.rsu_number}.")
    _older_certificate(household)
    if households and if_empty and next_synthetic_serial(db.session) > 0:
        click.echo("Synthetic households already loaded; none added.")
        return
    if households:
        with click.progressbar(length=households, label="Synthetic households") as bar:
            report = seed_synthetic_population(
                db.session,
                households,
                seed=random_seed,
                as_of=clock.today(),
                chunk_size=chunk_size,
                progress=bar.update,
                after_chunk=score_seeded_households,
            )
        click.echo(
            f"Loaded {report.households} households ({report.persons} persons) in "
            f"{report.seconds:.1f} s: {report.households_per_second:.0f} households/s."
        )


def _older_certificate(household: Household) -> None:
    """youssef's certificate of registration, issued the day he registered (README, "Demo people")."""
    from app.services.actors import Actor
    from app.services.certificates import issue, issued_count
    from app.web.certificate_pdf import print_certificate

    if issued_count(db.session, household.id):
        return
    with clock.freeze(household.registered_at):
        certificate = issue(
            db.session, household, "registration", Actor.system(), print_certificate
        )
    click.echo(f"youssef's certificate of registration: {certificate.number}.")
