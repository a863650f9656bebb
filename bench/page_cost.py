"""Benchmark: what a signed-in page costs the portal, in /healthz requests.

``bench/pages.py`` measures the served portal under load; on a shared
2-core machine its rates move by a third from one run to the next, and a
change worth a tenth of a page is lost in that. This script measures the
same pages inside one process, without the network or gunicorn: the portal
app answers /healthz and a page in alternating batches (60 /healthz, 10 of
the page, 60 /healthz), and each round's figure is the page's time per
request over /healthz's, both taken a moment apart. The median of the
rounds moves by a few hundredths between runs, so a change is judged by
running this on the trees before and after it, twice each, alternately.

It also counts the SQL statements each page sends. The database is the one
``bench/pages.py`` seeds (run that first, or pass ``--seed``).

    .venv/bin/python bench/page_cost.py [--app-dir TREE] [--database NAME]

The smaller the figure, the cheaper the page. On 2 December 2026 /score
cost about 53 before any work on issue 15 (f8e63d7), 22 at 157a9f0 and 17
after that evening's changes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import ROOT, database_url, flask, recreate_database
from bench.pages import DATABASE, portal_settings, sign_in_youssef


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=DATABASE, help="the database bench/pages.py seeded")
    parser.add_argument("--seed", action="store_true", help="create and seed it first")
    parser.add_argument("--households", type=int, default=2_000)
    parser.add_argument("--paths", default="/score,/household,/me")
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument(
        "--app-dir", type=Path, default=ROOT, help="measure the portal of this checkout"
    )
    args = parser.parse_args()

    url = database_url(args.database)
    if args.seed:
        recreate_database(args.database)
        flask(["db", "upgrade"], url, capture_output=True)
        flask(["demo", "seed", "--households", str(args.households)], url, capture_output=True)
    cookie = sign_in_youssef(url)
    os.environ.update(portal_settings(url))
    # The checkout's own app package comes first on the path.
    sys.path.insert(0, str(args.app_dir.resolve()))
    os.chdir(args.app_dir)
    from sqlalchemy import event
    from werkzeug.test import EnvironBuilder

    from wsgi import app

    def call(path: str) -> None:
        headers = {"Host": "127.0.0.1"}
        if path != "/healthz":
            headers["Cookie"] = f"rsu_session={cookie}"
        environ = EnvironBuilder(path=path, headers=headers).get_environ()
        statuses: list[str] = []

        def start_response(status: str, *_: Any) -> None:
            statuses.append(status)

        b"".join(app(environ, start_response))
        if not statuses[0].startswith("200"):
            sys.exit(f"{path}: {statuses[0]}")

    def per_request(path: str, count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            call(path)
        return (time.perf_counter() - started) / count

    statements: list[str] = []
    with app.app_context():
        from app.extensions import db

        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    paths = [path for path in args.paths.split(",") if path]
    for path in ["/healthz", *paths]:  # templates, catalogues and caches loaded first
        per_request(path, 50)
    print(f"{'path':<12} {'statements':>10} {'× /healthz':>11} {'q1':>6} {'q3':>6}")
    for path in paths:
        statements.clear()
        call(path)
        sent = len(statements)
        ratios = []
        for _ in range(args.rounds):
            before = per_request("/healthz", 60)
            page = per_request(path, 10)
            after = per_request("/healthz", 60)
            ratios.append(page / ((before + after) / 2))
        q1, _, q3 = statistics.quantiles(ratios, n=4)
        print(f"{path:<12} {sent:>10} {statistics.median(ratios):>11.1f} {q1:>6.1f} {q3:>6.1f}")


if __name__ == "__main__":
    main()
