"""Make sure the PostgreSQL database for the tests exists (and its server runs).

TEST_DATABASE_URL wins; otherwise the local server on 127.0.0.1:5432 is used
with a database named rsu_test, created if missing. If the server is down and
this is a Debian machine with pg_ctlcluster, it is started.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import time

import psycopg
from psycopg import sql

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/rsu_test"


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def start_local_server() -> None:
    versions = sorted(glob.glob("/etc/postgresql/*"))
    if not versions:
        return
    version = os.path.basename(versions[-1])
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],  # noqa: S607
        check=False,
        capture_output=True,
    )
    time.sleep(2)


def main() -> int:
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL
    info = psycopg.conninfo.conninfo_to_dict(plain(url))
    name = info.pop("dbname", "rsu_test")
    admin = psycopg.conninfo.make_conninfo(**{**info, "dbname": "postgres"})
    for attempt in range(2):
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
                ).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    print(f"Created test database {name}.")
            return 0
        except psycopg.OperationalError as error:
            if attempt == 0 and not os.environ.get("TEST_DATABASE_URL"):
                start_local_server()
                continue
            print(f"PostgreSQL is not reachable for the tests: {error}", file=sys.stderr)
            print("Set TEST_DATABASE_URL or start PostgreSQL on 127.0.0.1:5432.", file=sys.stderr)
            return 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
