"""Benchmark: rescoring the whole register when a new model is published.

1. Seed N households (default 1,000,000) into a scratch PostgreSQL database
   with `flask demo seed` (skipped with --reuse if the database is there).
2. Measure the read floor: a plain streamed SELECT of the same inputs (each
   active household's current declaration), with a server-side cursor.
3. Publish a new model version with `flask scoring publish`, 3 times (3
   model versions), timing each run and sampling the peak resident memory
   of the command and its worker processes.

Prints households/s (median of 3), the ratio to the read floor measured in
the same run, and the peak memory.

    .venv/bin/python bench/rescoring.py [--households 1000000] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import FLASK, ROOT, database_url, flask, median, recreate_database, run_measured

DATABASE = "rsu_bench_rescoring"
MODEL = ROOT / "app" / "scoring_models" / "pmt-2026-01-illustrative.toml"

INPUTS = """
    SELECT h.id, v.id, v.declaration
    FROM households h
    JOIN household_versions v ON v.household_id = h.id AND v.number = h.version_number
    WHERE h.status = 'active'
"""


def read_floor(url: str) -> tuple[float, int]:
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain) as conn, conn.cursor(name="floor") as cursor:
        cursor.itersize = 5000
        started = time.perf_counter()
        cursor.execute(INPUTS)
        rows = sum(1 for _ in cursor)
        return time.perf_counter() - started, rows


def model_version(index: int, directory: Path) -> Path:
    """A new model version: the default one with another id and a retouched coefficient."""
    text = MODEL.read_text()
    text = re.sub(
        r'^id = ".*"$', f'id = "bench-{int(time.time())}-{index}"', text, count=1, flags=re.M
    )
    text = re.sub(
        r"^cars = (.*)$",
        lambda m: f"cars = {float(m.group(1)) + 0.01 * (index + 1):.6f}",
        text,
        flags=re.M,
    )
    path = directory / f"bench-model-{index}.toml"
    path.write_text(text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    args = parser.parse_args()
    url = database_url(DATABASE)

    if not args.reuse:
        recreate_database(DATABASE)
        flask(["db", "upgrade"], url, capture_output=True)
        started = time.perf_counter()
        flask(["demo", "seed", "--households", str(args.households)], url, capture_output=True)
        seconds = time.perf_counter() - started
        print(
            f"seeded {args.households} households in {seconds:.0f} s ({args.households / seconds:.0f}/s)"
        )

    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    rates, ratios, peaks = [], [], []
    scratch = Path("/tmp")
    for index in range(args.runs):
        floor_seconds, households = read_floor(url)
        seconds, peak_kib, output = run_measured(
            [*FLASK, "scoring", "publish", str(model_version(index, scratch))], env
        )
        if " 0 households left without a score" not in output:
            sys.exit(f"households left behind:\n{output}")
        rates.append(households / seconds)
        ratios.append(seconds / floor_seconds)
        peaks.append(peak_kib / 1024)
        print(
            f"run {index + 1}: {households} households in {seconds:.1f} s = {households / seconds:,.0f}/s; "
            f"read floor {floor_seconds:.1f} s (ratio {seconds / floor_seconds:.2f}); peak memory {peak_kib / 1024:.0f} MiB"
        )
    print(
        f"median: {median(rates):,.0f} households/s, {median(ratios):.2f} x the read floor, "
        f"peak memory {max(peaks):.0f} MiB"
    )


if __name__ == "__main__":
    main()
