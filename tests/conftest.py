"""Shared fixtures: a migrated PostgreSQL database, the app, the development
identity provider running in-process, a certified OpenID provider run by
node, and a page-checking test client.

The database is TEST_DATABASE_URL, or the local server's ``rsu_test``
(``scripts/ensure_test_database.py`` creates it). Every test that touches the
database starts from empty tables.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app import create_app
from app.cli.database import alembic_config
from app.db import Base
from app.demo_people import LOGINS, id_token_claims
from tests.support.certified_provider import CertifiedProvider, running_certified_provider
from tests.support.pages import CheckingClient

DEFAULT_TEST_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/rsu_test"
# The portal's public address in tests (the redirect URI's base), whatever the
# environment says. Browser tests use their live server's address instead.
TEST_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def test_database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL


@pytest.fixture(scope="session")
def database_url() -> str:
    return test_database_url()


@pytest.fixture(scope="session")
def migrated(database_url: str) -> Iterator[None]:
    """An empty schema brought to the head revision by our migrations."""
    from alembic import command

    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    command.upgrade(alembic_config(database_url, configure_logger=False), "head")
    yield


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock, in-process, knowing the demo people. Returns its issuer."""
    users = [
        oidc_provider_mock.User(sub=login.subject, claims=id_token_claims(login))
        for login in LOGINS
    ]
    with oidc_provider_mock.run_server_in_thread(require_nonce=True, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="session")
def certified_provider() -> Iterator[CertifiedProvider]:
    """A certified OpenID provider (panva's oidc-provider, run by node) that
    releases profile claims only at userinfo; see tests/support/certified_provider.py."""
    with running_certified_provider(TEST_PUBLIC_BASE_URL) as provider:
        yield provider


@functools.cache
def signing_pair() -> tuple[str, str]:
    """A key pair for signing certificates in tests, made once per run."""
    from scripts.dev_keys import generate_pair

    key, cert = generate_pair(Path(tempfile.mkdtemp(prefix="rsu-test-signing-")))
    return str(key), str(cert)


def make_test_app(database_url: str, issuer: str, **overrides: object) -> Flask:
    key, cert = signing_pair()
    config = {
        "RSU_ENV": "test",
        "TESTING": True,
        "DATABASE_URL": database_url,
        "OIDC_ISSUER": issuer,
        "SECRET_KEY": "test-secret-key",
        # Uploaded documents of the tests, kept apart from development's.
        "UPLOAD_DIR": tempfile.mkdtemp(prefix="rsu-test-uploads-"),
        # The production default unless told: TEST_DOCUMENT_STORE=local runs
        # the same tests on files.
        "DOCUMENT_STORE": os.environ.get("TEST_DOCUMENT_STORE", "database"),
        "SIGNING_KEY_FILE": key,
        "SIGNING_CERT_FILE": cert,
        "PUBLIC_BASE_URL": TEST_PUBLIC_BASE_URL,
        **overrides,
    }
    app = create_app(config)
    app.test_client_class = CheckingClient
    return app


@pytest.fixture(scope="session")
def app(migrated: None, database_url: str, oidc_provider: str) -> Flask:
    return make_test_app(database_url, oidc_provider)


def truncate_all(app: Flask) -> None:
    """Empty every table, and the document store with them (its files are rows' bytes)."""
    tables = ", ".join(table.name for table in reversed(Base.metadata.sorted_tables))
    engine = app.extensions["rsu_db"].kw["bind"]
    with engine.begin() as connection:
        # The audit trail refuses TRUNCATE; a superuser between tests may pass
        # its trigger, as an attacker could (the anchors are what catch that).
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    uploads = Path(app.config["UPLOAD_DIR"])
    for folder in uploads.glob("*"):
        shutil.rmtree(folder) if folder.is_dir() else folder.unlink()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the test database, for the test's own reads and writes.

    No app context is held open during the test: requests made with the test
    client then get their own context, ``g`` and session, as in production.
    Tables are emptied afterwards.
    """
    session: Session = app.extensions["rsu_db"]()
    try:
        yield session
    finally:
        session.close()
        truncate_all(app)


@pytest.fixture
def integrity_checked(app: Flask, db: Session) -> Iterator[None]:
    """For tests that hammer the database (in parallel, or with hostile input):
    afterwards, ``flask integrity check`` finds every invariant holding."""
    yield
    from tests.support.integrity import assert_integrity

    assert_integrity(app)


@pytest.fixture
def client(app: Flask, db: Session) -> CheckingClient:
    client = app.test_client()
    assert isinstance(client, CheckingClient)
    return client


@pytest.fixture
def demo(db: Session) -> None:
    """The demo people, with youssef's household registered."""
    from app.services.demo import seed_demo_people

    seed_demo_people(db)


@pytest.fixture(scope="session")
def png_bomb() -> bytes:
    """Made once per run: compressing a gibibyte of zeros takes seconds."""
    from tests.support.upload_attacks import png_bomb

    return png_bomb()
