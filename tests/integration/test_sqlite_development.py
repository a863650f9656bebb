"""`make run` serves the portal on an SQLite file (docs/architecture.md,
Contracts): the demo seed, the signed-in pages and a registration must work
there too. The busiest statements are written for PostgreSQL (INSERTs in a
WITH clause, arrays, LATERAL); each has a path for SQLite, and this test
goes through them. The seed once failed on SQLite, and `make run` with it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, func, select

from app.models import Household, RegistrationSubmission
from tests.conftest import make_test_app
from tests.integration.test_migrations import alembic_config
from tests.support.login import login_as
from tests.support.pages import soup_of, text_of
from tests.support.registration import fill_everything


def test_the_seed_the_pages_and_a_registration_work_on_sqlite(
    tmp_path: Path, oidc_provider: str
) -> None:
    url = f"sqlite:///{tmp_path}/portal.sqlite3"
    command.upgrade(alembic_config(url, configure_logger=False), "head")
    app = make_test_app(url, oidc_provider)
    seeded = app.test_cli_runner().invoke(args=["demo", "seed", "--households", "5"])
    assert seeded.exit_code == 0, seeded.output

    youssef = app.test_client()
    login_as(youssef, "youssef")
    for path in ("/me", "/score", "/household"):
        assert youssef.get(path).status_code == 200, path

    engine = create_engine(url)

    def households() -> int | None:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Household))

    before = households()
    amina = app.test_client()
    login_as(amina, "amina")
    fill_everything(amina)
    page = soup_of(amina.get("/household/register/check"))
    data = {
        name: page.find("input", attrs={"name": name})["value"]  # type: ignore[index]
        for name in ("csrf_token", "submission_key")
    }
    submitted = amina.post(
        "/household/register/check", data={**data, "honour": "y", "consent": "y"}
    )
    assert submitted.status_code == 302

    with engine.connect() as connection:
        receipt = connection.scalar(select(RegistrationSubmission.receipt_number))
    assert households() == (before or 0) + 1 and receipt is not None
    engine.dispose()
    assert receipt in text_of(amina.get("/me?lang=fr"))
