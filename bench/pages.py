"""Benchmark: signed-in pages against /healthz, in one run.

1. A scratch PostgreSQL database is migrated and seeded with the demo people
   and N synthetic households (default 2,000).
2. youssef is signed in the way a completed login leaves him: an account
   linked to his person, and a server-side session whose id goes in the
   cookie (as bench/registration.py does for its declarants).
3. gunicorn serves the portal with the project's gunicorn.conf.py
   (production settings); wrk, on this same machine, loads each path at 32
   connections: /healthz (no session), / (anonymous), then /score,
   /household and /me with youssef's cookie. The load comes in rounds (5
   by default) of one short burst per path, so that the machine's other
   work weighs on every path alike.
4. For each path, medians over the rounds: req/s, p50, p95; the errors
   (socket errors and non-2xx/3xx) summed; and the ratio of its req/s to
   /healthz's in the same round. Absolute rates move with the machine's
   load; the ratio, measured in the same run, is the figure to judge.

    .venv/bin/python bench/pages.py [--seconds 15] [--households 2000]

Needs Debian's wrk (scripts/system-packages.sh installs it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import AUDIT_CHAIN_KEY, ROOT, database_url, flask, recreate_database

DATABASE = "rsu_bench_pages"
PORT = 8810
SECRET_KEY = "bench-secret-key-" + "x" * 32
ISSUER = "https://idp.bench.invalid"
YOUSSEF_IDCS = "1000000201"

# A cookie header when BENCH_COOKIE is set; the summary on one line for us.
LUA = r"""
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = "rsu_session=" .. cookie
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %f %f %f %d %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def sign_in_youssef(url: str) -> str:
    """An account for youssef and a fresh signed-in session; returns the cookie value."""
    cookie = secrets.token_urlsafe(32)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        person = conn.execute("SELECT id FROM persons WHERE idcs = %s", (YOUSSEF_IDCS,)).fetchone()
        account = conn.execute(
            "INSERT INTO accounts (issuer, subject, person_id, created_at, last_login_at)"
            " VALUES (%s, 'youssef', %s, now(), now())"
            " ON CONFLICT (issuer, subject) DO UPDATE SET last_login_at = now() RETURNING id",
            (ISSUER, person[0]),
        ).fetchone()[0]
        data = json.dumps({"account_id": account, "csrf_token": secrets.token_hex(20)})
        conn.execute(
            "INSERT INTO web_sessions (id_hash, data, account_id, created_at, authenticated_at,"
            " last_seen_at) VALUES (%s, %s, %s, now(), now(), now())",
            (hashlib.sha256(cookie.encode()).hexdigest(), data, account),
        )
    return cookie


def portal_settings(url: str) -> dict[str, str]:
    """The portal's environment for a bench: production settings on ``url``."""
    return {
        "RSU_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
        "OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "bench", "OIDC_CLIENT_SECRET": "bench",
        "LOG_LEVEL": "WARNING",
        # Production requires a signing pair: the development one (make setup) stands in.
        "SIGNING_KEY_FILE": str(ROOT / "instance/dev-signing/key.pem"),
        "SIGNING_CERT_FILE": str(ROOT / "instance/dev-signing/cert.pem"),
        # Production refuses any other host: wrk names 127.0.0.1.
        "PUBLIC_BASE_URL": "https://127.0.0.1", "AUDIT_CHAIN_KEY": AUDIT_CHAIN_KEY,
    }  # fmt: skip


def check(path: str, cookie: str | None) -> int:
    """The page answers 200 (not a redirect to /login) before we load it."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}")
    if cookie:
        request.add_header("Cookie", f"rsu_session={cookie}")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our http URL)
        body = response.read()
        if response.status != 200 or response.url.rstrip("/") != request.full_url.rstrip("/"):
            sys.exit(f"{path}: {response.status} {response.url}")
        return len(body)


def wrk(path: str, seconds: int, connections: int, cookie: str | None) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(LUA)
    env = {**os.environ, "BENCH_COOKIE": cookie or ""}
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", lua.name,
               f"http://127.0.0.1:{PORT}{path}"]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, duration, p50, p95, errors, status_errors = line.split()[1:]
    return {
        "rate": int(requests) / float(duration),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "errors": int(errors) + int(status_errors),
    }


def wait_until_up(server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            sys.exit("gunicorn stopped")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        sys.exit("gunicorn did not answer")
    time.sleep(10)  # the first worker answers; the others are still importing the app


def main() -> None:
    global PORT, DATABASE  # set once, from the command line
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15, help="load per path, in all")
    parser.add_argument("--rounds", type=int, default=5, help="bursts per path")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--households", type=int, default=2_000)
    parser.add_argument(
        "--port", type=int, default=PORT, help="where gunicorn listens (helpers share the machine)"
    )
    parser.add_argument("--database", default=DATABASE, help="scratch database (dropped first)")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument(
        "--paths", default="/,/score,/household,/me", help="pages to load, comma-separated"
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="serve the portal from this checkout (e.g. the code before a change)",
    )
    args = parser.parse_args()
    PORT, DATABASE = args.port, args.database
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: scripts/system-packages.sh installs it")

    url = database_url(DATABASE)
    if not args.reuse:
        recreate_database(DATABASE)
        flask(["db", "upgrade"], url, capture_output=True)
        flask(["demo", "seed", "--households", str(args.households)], url, capture_output=True)
    cookie = sign_in_youssef(url)

    env = {**os.environ, **portal_settings(url), "GUNICORN_BIND": f"127.0.0.1:{PORT}"}
    # The project's gunicorn.conf.py (read from the working directory) sets
    # the workers and threads; only the access log is silenced.
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--access-logfile", "/dev/null", "wsgi:app"],
                              cwd=args.app_dir, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    paths = [path for path in args.paths.split(",") if path]
    rounds: list[dict[str, dict[str, float]]] = []
    try:
        wait_until_up(server)
        sizes = {path: check(path, None if path == "/" else cookie) for path in paths}
        for path in paths:  # every worker loads its templates and catalogues first
            wrk(path, 2, args.connections, None if path == "/" else cookie)
        # Interleaved short bursts, so that a change in the machine's load
        # (other work on it) weighs on /healthz and on the pages alike: each
        # page's ratio is taken against the /healthz burst of its own round.
        burst = max(1, args.seconds // args.rounds)
        for _ in range(args.rounds):
            rounds.append({path: wrk(path, burst, args.connections, None if path == "/" else cookie)
                           for path in ("/healthz", *paths)})  # fmt: skip
        for path in paths:  # still signed in: the session was not lost on the way
            check(path, None if path == "/" else cookie)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)

    print(f"{args.households} households, {args.connections} connections, "
          f"{args.rounds} rounds of {burst} s per path, interleaved; medians over the rounds")  # fmt: skip
    print(
        f"{'path':<12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'ratio':>6} {'bytes':>7}"
    )
    for path in ("/healthz", *paths):
        runs = [r[path] for r in rounds]
        ratio = statistics.median(r[path]["rate"] / r["/healthz"]["rate"] for r in rounds)
        print(f"{path:<12} {statistics.median(x['rate'] for x in runs):8.0f} "
              f"{statistics.median(x['p50_ms'] for x in runs):8.1f} "
              f"{statistics.median(x['p95_ms'] for x in runs):8.1f} "
              f"{sum(int(x['errors']) for x in runs):7d} {ratio:6.3f} {sizes.get(path, ''):>7}")  # fmt: skip


if __name__ == "__main__":
    main()
