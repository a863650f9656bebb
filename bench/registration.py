"""Benchmark: registration submits over HTTP, against gunicorn and PostgreSQL.

1. A scratch database is migrated and seeded with the demo people and the
   default model.
2. For each of N declarants (synthetic people in the RNP, with one child),
   a complete, valid draft is written in bulk, with a signed-in server-side
   session and its CSRF token: we measure the submit, not the questionnaire.
3. gunicorn serves the portal (production settings); wrk, on this same
   machine, first loads GET /healthz, then sends each draft's final
   "declare and register" POST for 60 s (every request a different
   declarant), then GET /healthz again.
4. The database is checked: every 302 made exactly one household, and no
   submission made two (duplicates).

    .venv/bin/python bench/registration.py [--seconds 60] [--drafts 20000]

Needs Debian's wrk (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import AUDIT_CHAIN_KEY, ROOT, database_url, flask, recreate_database

DATABASE = "rsu_bench_registration"
PORT = 8800
SECRET_KEY = "bench-secret-key-" + "x" * 32

LUA = r"""
local lines = {}
for line in io.lines(os.getenv("BENCH_REQUESTS")) do lines[#lines + 1] = line end
local threads = {}
local count = 0
function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end
function init(args)
  n = 0
  step = tonumber(os.getenv("BENCH_THREADS"))
end
function request()
  local index = id + 1 + n * step
  n = n + 1
  local line = lines[index]
  if line == nil then line = lines[1] end
  local cookie, body = line:match("([^\t]*)\t(.*)")
  return wrk.format("POST", "/household/register/check", {
    ["Cookie"] = "rsu_session=" .. cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %d %f %f %f %d %d %d %d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status, 0, 0))
end
"""

HEALTH_LUA = r"""
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %f %f %f %d %d 0 0\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def prepare(url: str, drafts: int, out: Path) -> None:
    """Declarants, accounts, sessions and complete drafts, written in bulk."""
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ["AUDIT_CHAIN_KEY"] = AUDIT_CHAIN_KEY
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from app import clock, create_app
    from app.domain.synthetic import idcs_for_serial
    from app.services.bulk import copy_rows, reserve_ids
    from tests.support.registration import ADULT, CHILD, EQUIPMENT, HOUSING, RESIDENCE, SPENDING

    app = create_app({"SECRET_KEY": SECRET_KEY})
    now = clock.now()
    with app.extensions["rsu_db"]() as db:
        first_person = reserve_ids(db, "persons", 2 * drafts)
        first_account = reserve_ids(db, "accounts", drafts)
        first_draft = reserve_ids(db, "registration_drafts", drafts)
        persons, accounts, sessions, draft_rows, lines = [], [], [], [], []
        for i in range(drafts):
            parent, child = first_person + 2 * i, first_person + 2 * i + 1
            persons.append((parent, idcs_for_serial(900_000_000 + 2 * i), None, "مريم", "بنعلي", "Meryem",
                            "Benali", date(1980, 1, 1) + timedelta(days=i % 5000), "F", None, True))  # fmt: skip
            persons.append((child, idcs_for_serial(900_000_000 + 2 * i + 1), None, "علي", "بنعلي", "Ali",
                            "Benali", date(2014, 1, 1) + timedelta(days=i % 1000), "M", None, True))  # fmt: skip
            account = first_account + i
            accounts.append((account, "https://idp.bench", f"bench-{i}", parent, now, now))
            raw_csrf = secrets.token_hex(20)
            cookie = secrets.token_urlsafe(32)
            sessions.append((hashlib.sha256(cookie.encode()).hexdigest(),
                             {"account_id": account, "csrf_token": raw_csrf}, account, now, now, now))  # fmt: skip
            key = secrets.token_urlsafe(32)
            data = {
                "sections": {
                    "residence": RESIDENCE,
                    "housing": HOUSING,
                    "equipment": EQUIPMENT,
                    "spending": SPENDING,
                },
                "members": [
                    {"key": "a" + str(i), "person_id": parent, "details": ADULT},
                    {
                        "key": "b" + str(i),
                        "person_id": child,
                        "details": {**CHILD, "relation": "child"},
                    },
                ],
                "members_confirmed": True,
            }
            draft_rows.append(
                (first_draft + i, parent, data, key, now, now, now + timedelta(days=90))
            )
            with app.test_request_context():
                session["csrf_token"] = raw_csrf
                token = generate_csrf()
            body = f"csrf_token={token}&submission_key={key}&honour=y&consent=y"
            lines.append(f"{cookie}\t{body}")
        copy_rows(db, "persons", ("id", "idcs", "cnie", "first_name_ar", "last_name_ar", "first_name_latin",
                                  "last_name_latin", "birth_date", "sex", "phone", "in_rnp"), persons)  # fmt: skip
        copy_rows(
            db,
            "accounts",
            ("id", "issuer", "subject", "person_id", "created_at", "last_login_at"),
            accounts,
        )
        copy_rows(db, "web_sessions", ("id_hash", "data", "account_id", "created_at", "authenticated_at",
                                       "last_seen_at"), sessions, json_columns=("data",))  # fmt: skip
        copy_rows(db, "registration_drafts", ("id", "person_id", "data", "submission_key", "created_at",
                                              "updated_at", "expires_at"), draft_rows, json_columns=("data",))  # fmt: skip
        db.commit()
    out.write_text("\n".join(lines) + "\n")


def wrk(
    path: str, seconds: int, connections: int, threads: int, script: str, env: dict[str, str]
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", lua.name,
               f"http://127.0.0.1:{PORT}{path}"]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, duration, p50, p95, errors, status_errors, *_ = line.split()[1:]
    return {
        "requests": int(requests), "rate": int(requests) / float(duration), "p50_ms": float(p50),
        "p95_ms": float(p95), "socket_errors": int(errors), "non_2xx_3xx": int(status_errors),
    }  # fmt: skip


def main() -> None:
    global PORT, DATABASE  # set once, from the command line
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--drafts", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--port", type=int, default=PORT, help="where gunicorn listens (helpers share the machine)"
    )
    parser.add_argument("--database", default=DATABASE, help="scratch database (dropped first)")
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="serve the portal from this checkout (e.g. the code before a change)",
    )
    args = parser.parse_args()
    PORT, DATABASE = args.port, args.database
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    url = database_url(DATABASE)
    recreate_database(DATABASE)
    flask(["db", "upgrade"], url, capture_output=True)
    flask(["demo", "seed"], url, capture_output=True)
    requests_file = Path(tempfile.mkdtemp()) / "requests.tsv"
    started = time.perf_counter()
    prepare(url, args.drafts, requests_file)
    print(f"prepared {args.drafts} complete drafts in {time.perf_counter() - started:.0f} s")

    env = {
        **os.environ, "RSU_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
        "OIDC_ISSUER": "https://idp.bench.invalid", "OIDC_CLIENT_ID": "bench", "OIDC_CLIENT_SECRET": "bench",
        "LOG_LEVEL": "WARNING", "GUNICORN_BIND": f"127.0.0.1:{PORT}", "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_THREADS": str(args.threads), "BENCH_REQUESTS": str(requests_file), "BENCH_THREADS": "2",
        # Production requires a signing pair: the development one (make setup) stands in.
        "SIGNING_KEY_FILE": str(ROOT / "instance/dev-signing/key.pem"),
        "SIGNING_CERT_FILE": str(ROOT / "instance/dev-signing/cert.pem"),
        # Production refuses any other host: wrk names 127.0.0.1.
        "PUBLIC_BASE_URL": "https://127.0.0.1", "AUDIT_CHAIN_KEY": AUDIT_CHAIN_KEY,
    }  # fmt: skip
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--access-logfile", "/dev/null", "wsgi:app"],
                              cwd=args.app_dir, env=env, start_new_session=True)  # fmt: skip
    try:
        time.sleep(4)
        health = wrk("/healthz", 15, args.connections, 2, HEALTH_LUA, env)
        # Each declarant has just opened the "check your answers" page, as in
        # real use: their session was seen a moment ago.
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
            conn.execute("UPDATE web_sessions SET last_seen_at = now()")
        submits = wrk("/household/register/check", args.seconds, args.connections, 2, LUA, env)
        health_after = wrk("/healthz", 15, args.connections, 2, HEALTH_LUA, env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        households = conn.execute("SELECT count(*) FROM households").fetchone()[0] - 1  # youssef's
        receipts = conn.execute(
            "SELECT count(*) FROM registration_submissions WHERE household_id IS NOT NULL"
        ).fetchone()[0]
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT declarant_id FROM households GROUP BY declarant_id HAVING count(*) > 1) d"
        ).fetchone()[0]
    health_rate = (health["rate"] + health_after["rate"]) / 2
    result = {
        "submits_per_second": round(submits["rate"], 1),
        "p50_ms": round(submits["p50_ms"], 1),
        "p95_ms": round(submits["p95_ms"], 1),
        "requests": submits["requests"],
        "errors": submits["socket_errors"] + submits["non_2xx_3xx"],
        "households_created": households,
        "receipts": receipts,
        "duplicates": doubled + max(0, households - receipts),
        "healthz_per_second": round(health_rate, 1),
        "ratio_to_healthz": round(submits["rate"] / health_rate, 3),
    }
    print(json.dumps(result, indent=2))
    if submits["requests"] > args.drafts:
        # Past the last draft, wrk sends the first one again: a resubmission,
        # answered from its receipt, far cheaper than a registration.
        sys.exit(f"the run used up its {args.drafts} drafts: its rate counts resubmissions;"
                 " run it again with more --drafts")  # fmt: skip


if __name__ == "__main__":
    main()
