"""`make cluster-test`: two portal nodes behind HAProxy, one of them killed
under load, in Linux network namespaces on this machine.

    .venv/bin/python -m tests.cluster.run [--households 1500] [--citizens 6]

Hosts (tests/cluster/network.py), on 10.231.0.0/24:
- the balancer, 10.231.0.2: HAProxy with deploy/haproxy/haproxy.cfg as is
  (TLS with a certificate made here, health checks on /readyz);
- two nodes, 10.231.0.11 and .12: gunicorn with gunicorn.conf.py and the
  production settings (RSU_ENV=production, secrets generated into files,
  PUBLIC_BASE_URL), and one outbox worker each, sending SMS through the
  portal's HTTP adapter to a gateway that records every message under its
  reference (tests/cluster/sms_gateway.py);
- the root namespace, 10.231.0.1: the machine's PostgreSQL through a TCP
  relay (a second HAProxy, in tcp mode), the SMS gateway, the citizens.

Citizens are signed in the way bench/pages.py does it (an account and a
server-side session written in the database): production refuses an
identity provider over plain HTTP, and the development one speaks nothing
else. Everything after that is the portal's own code over the network.

Exit 0 when every check holds, 1 when one does not (named), 3 when this
machine cannot make namespaces (the reason is printed).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import requests

from tests.cluster import network
from tests.cluster.checks import Checks
from tests.cluster.citizens import Citizen, Sent
from tests.cluster.network import ROOT_ADDRESS, Host
from tests.cluster.scrape import free_port, prometheus_command, scraped
from tests.cluster.sms_gateway import TOKEN, RecordingGateway

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = 3
DATABASE = "rsu_cluster"
ADMIN_URL = os.environ.get("CLUSTER_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PUBLIC_HOST = "portal.rsu.test"
ISSUER = "https://idp.cluster.invalid"
BALANCER = Host(f"{network.PREFIX}lb", "10.231.0.2")
NODES = [Host(f"{network.PREFIX}n1", "10.231.0.11"), Host(f"{network.PREFIX}n2", "10.231.0.12")]
NODE_PORT = 8000
# Run inside the balancer's host: what a node answers there to /metrics.
FETCH_METRICS = (
    "import sys, requests; "
    "print(requests.get(sys.argv[1] + '/metrics', headers={'Host': 'portal.rsu.test'}, timeout=10).status_code)"
)
DEFAULT_MODEL = ROOT / "app/scoring_models/pmt-2026-01-illustrative.toml"


def say(text: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _group_alive(group: int) -> bool:
    """Whether a thread of this process group still runs (a zombie has exited).

    Every thread is looked at, not only each process's first one: that one
    can be a zombie while the process's other threads are still exiting,
    and the listening socket they share stays open until the last is gone.
    """
    for entry in Path("/proc").glob("[0-9]*/task/[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


class Processes:
    """Every process this test starts, each leading its own process group, so
    that a kill takes a gunicorn master with its workers. All are killed at
    the end, whatever happened."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        atexit.register(self.kill_all)

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept by the child)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        process = self.running.pop(name, None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it died on its own
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
            # The leader is reaped before its workers are gone: until the last
            # one exits, the listening socket still takes connections, which
            # the dying workers then drop. The kill ends with the group.
            deadline = time.monotonic() + 10
            while _group_alive(process.pid) and time.monotonic() < deadline:
                time.sleep(0.002)

    def kill_all(self) -> None:
        for name in list(self.running):
            self.kill(name)

    def log_of(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


def sql(url: str, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(query, args)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def one(url: str, query: str, *args: Any) -> Any:
    return sql(url, query, *args)[0][0]


def make_secrets(folder: Path) -> dict[str, Path]:
    """Secrets as files, as an orchestrator would mount them; read into the nodes' environment."""
    files = {}
    for name in ("secret_key", "audit_chain_key", "oidc_client_secret"):
        path = folder / name
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
        files[name] = path
    from scripts.dev_keys import generate_pair

    files["signing_key"], files["signing_cert"] = generate_pair(folder / "signing")
    key, cert = folder / "tls-key.pem", folder / "tls-cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={PUBLIC_HOST}",
                    "-addext", f"subjectAltName=DNS:{PUBLIC_HOST}"],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    files["tls_pem"] = folder / "tls.pem"
    files["tls_pem"].write_bytes(cert.read_bytes() + key.read_bytes())
    files["tls_cert"] = cert
    return files


def node_environment(
    files: dict[str, Path], database_url: str, gateway: RecordingGateway
) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
        "RSU_ENV": "production", "DATABASE_URL": database_url,
        "SECRET_KEY": files["secret_key"].read_text(),
        "AUDIT_CHAIN_KEY": files["audit_chain_key"].read_text(),
        "OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "rsu-portal",
        "OIDC_CLIENT_SECRET": files["oidc_client_secret"].read_text(),
        "SIGNING_KEY_FILE": str(files["signing_key"]), "SIGNING_CERT_FILE": str(files["signing_cert"]),
        "PUBLIC_BASE_URL": f"https://{PUBLIC_HOST}", "PROXY_COUNT": "1",
        "FORWARDED_ALLOW_IPS": BALANCER.address, "GUNICORN_BIND": f"0.0.0.0:{NODE_PORT}",
        "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2",
        "SMS_BACKEND": "http", "SMS_GATEWAY_URL": gateway.url, "SMS_GATEWAY_TOKEN": TOKEN,
        "DOCUMENT_STORE": "database", "LOG_LEVEL": "WARNING",
        # The operators' side is the root namespace: its address alone reads /metrics.
        "METRICS_ALLOWED_NETWORKS": f"{ROOT_ADDRESS}/32",
    }  # fmt: skip


def prepare_database(households: int, audit_chain_key: str) -> str:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    # The audit rows the seed writes are chained with the nodes' key.
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://"),
           "LOG_LEVEL": "WARNING", "RSU_ENV": "development", "AUDIT_CHAIN_KEY": audit_chain_key}  # fmt: skip
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi"]
    for args in (["db", "upgrade"], ["demo", "seed", "--households", str(households)]):
        subprocess.run(
            [*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
    return url


def drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def sign_in(url: str, count: int) -> tuple[list[str], list[int]]:
    """Declarants of active households, each with an account and a signed-in
    session (as bench/pages.py makes them); returns their cookies and their
    households' version numbers."""
    people = sql(url, "SELECT declarant_id, version_number FROM households WHERE status = 'active'"
                      " AND declarant_id IS NOT NULL ORDER BY id LIMIT %s", count)  # fmt: skip
    cookies = []
    for index, (person_id, _version) in enumerate(people):
        cookie = secrets.token_urlsafe(32)
        account = one(url, "INSERT INTO accounts (issuer, subject, person_id, created_at, last_login_at)"
                           " VALUES (%s, %s, %s, now(), now()) RETURNING id", ISSUER, f"citizen-{index}", person_id)  # fmt: skip
        data = json.dumps({"account_id": account, "csrf_token": secrets.token_hex(20)})
        sql(url, "INSERT INTO web_sessions (id_hash, data, account_id, created_at, authenticated_at,"
                 " last_seen_at) VALUES (%s, %s, %s, now(), now(), now())",
            hashlib.sha256(cookie.encode()).hexdigest(), data, account)  # fmt: skip
        cookies.append(cookie)
    if len(cookies) < count:
        raise RuntimeError(f"only {len(cookies)} declarants to sign in")
    return cookies, [version for _, version in people]


def wait_for(what: str, condition: Any, seconds: float, every: float = 0.25) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (requests.RequestException, OSError):
            pass
        time.sleep(every)
    raise RuntimeError(f"{what}: not within {seconds:.0f} s")


def node_url(node: Host) -> str:
    return f"http://{node.address}:{NODE_PORT}"


def node_answers(node: Host, path: str = "/readyz", cookie: str | None = None) -> requests.Response:
    """A request straight to a node, from the operators' side (not through the balancer)."""
    headers = {"Host": PUBLIC_HOST}
    if cookie:
        headers["Cookie"] = f"rsu_session={cookie}"
    return requests.get(node_url(node) + path, headers=headers, timeout=10, allow_redirects=False)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=1500)
    parser.add_argument("--citizens", type=int, default=6)
    parser.add_argument("--load-seconds", type=float, default=24)
    parser.add_argument("--kill-at", type=float, default=7, help="seconds into the load")
    parser.add_argument("--down-for", type=float, default=5, help="seconds before the node is back")
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder")
    args = parser.parse_args()
    started = time.monotonic()

    if os.geteuid() != 0:
        print("SKIPPED: network namespaces need root (ip netns)")
        return SKIPPED
    for tool in ("haproxy", "ip", "openssl"):
        if shutil.which(tool) is None:
            print(f"SKIPPED: {tool} is missing (scripts/system-packages.sh installs it)")
            return SKIPPED
    why_not = network.namespaces_allowed()
    if why_not:
        print(f"SKIPPED: {why_not}")
        return SKIPPED

    work = Path(tempfile.mkdtemp(prefix="rsu-cluster-"))
    (work / "logs").mkdir()
    processes = Processes(work / "logs")
    hosts = [BALANCER, *NODES]
    gateway: RecordingGateway | None = None
    checks = Checks()
    atexit.register(network.tear_down, hosts)
    try:
        network.tear_down(hosts)  # what a previous run killed midway left
        files = make_secrets(work)
        say(f"database {DATABASE}: migrating, seeding {args.households} households")
        admin_url = prepare_database(args.households, files["audit_chain_key"].read_text())
        cookies, first_versions = sign_in(admin_url, args.citizens + 1)
        direct_cookie = cookies.pop()  # the citizen of the node-to-node document check

        network.build(hosts)
        relay = work / "pg-relay.cfg"
        relay.write_text(
            "global\n    maxconn 1000\ndefaults\n    mode tcp\n    timeout connect 5s\n"
            "    timeout client 10m\n    timeout server 10m\n"
            f"listen postgresql\n    bind {ROOT_ADDRESS}:5432\n    server local 127.0.0.1:5432\n"
        )
        processes.start("pg-relay", ["haproxy", "-db", "-f", str(relay)], dict(os.environ))
        gateway = RecordingGateway(ROOT_ADDRESS)
        database_url = f"postgresql+psycopg://postgres@{ROOT_ADDRESS}:5432/{DATABASE}"
        env = node_environment(files, database_url, gateway)
        venv = str(ROOT / ".venv/bin")
        gunicorn = [f"{venv}/gunicorn", "--access-logfile", "-", "wsgi:app"]
        flask = [f"{venv}/flask", "--app", "wsgi"]
        # Each node's own control socket: here the two share one file system.
        serve = {i: node.command(*gunicorn, "--control-socket", str(work / f"node{i}.ctl"))
                 for i, node in enumerate(NODES, 1)}  # fmt: skip
        outbox = {i: node.command(*flask, "outbox", "deliver", "--every", "0.5")
                  for i, node in enumerate(NODES, 1)}  # fmt: skip
        for index in (1, 2):
            processes.start(f"node{index}", serve[index], env)
            processes.start(f"outbox{index}", outbox[index], env)
        balancer_env = {**os.environ, "RSU_PUBLIC_HOST": PUBLIC_HOST,
                        "RSU_HTTPS_BIND": f"{BALANCER.address}:443", "RSU_HTTP_BIND": f"{BALANCER.address}:80",
                        "RSU_TLS_PEM": str(files["tls_pem"]),
                        "RSU_NODE1": f"{NODES[0].address}:{NODE_PORT}",
                        "RSU_NODE2": f"{NODES[1].address}:{NODE_PORT}"}  # fmt: skip
        processes.start(
            "balancer",
            BALANCER.command("haproxy", "-db", "-f", str(ROOT / "deploy/haproxy/haproxy.cfg")),
            balancer_env,
        )
        for node in NODES:
            wait_for(f"{node.name} ready", lambda n=node: node_answers(n).status_code == 200, 90)
        base_url = f"https://{BALANCER.address}"
        probe = Citizen(
            -1, cookies[0], base_url, PUBLIC_HOST, str(files["tls_cert"]), [], threading.Lock()
        )
        wait_for(
            "the balancer sees the nodes", lambda: probe.get_once("/readyz").status_code == 200, 30
        )
        say(f"up in {time.monotonic() - started:.0f} s: balancer {BALANCER.address}, nodes "
            + ", ".join(n.address for n in NODES))  # fmt: skip

        checks.metrics_not_public(probe.get_once("/metrics").status_code)

        # -- the load, and a node killed in the middle of it ------------------------
        from tests.support.reviews import PDF

        log: list[Sent] = []
        lock = threading.Lock()
        citizens = [
            Citizen(i, c, base_url, PUBLIC_HOST, str(files["tls_cert"]), log, lock)
            for i, c in enumerate(cookies)
        ]
        until = time.time() + args.load_seconds
        threads = [
            threading.Thread(target=c.run, args=(60, until, PDF), daemon=True) for c in citizens
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.kill_at)
        killed_at = time.time()
        # The whole node: its gunicorn (master and workers) and its outbox worker.
        processes.kill("node1")
        kill_done = time.time()  # the kill is a window: from the signal to the last process gone
        processes.kill("outbox1")
        say(
            f"node1 (gunicorn master and workers, outbox worker) killed with SIGKILL at +{args.kill_at:.0f} s of load"
        )
        time.sleep(args.down_for)
        processes.start("node1", serve[1], env)
        processes.start("outbox1", outbox[1], env)
        wait_for("node1 back", lambda: node_answers(NODES[0]).status_code == 200, 60)
        back_at = time.time()
        say(f"node1 back after {back_at - killed_at:.1f} s")
        for thread in threads:
            thread.join(timeout=args.load_seconds + 60)
        if any(thread.is_alive() for thread in threads):
            raise RuntimeError("a citizen is still waiting after the load's end")

        checks.load(log, killed_at, kill_done, processes.log_of("balancer"))
        checks.citizens_saw_what_they_expected(citizens)
        after_kill = [s for s in log if s.started > killed_at and not s.failed]
        checks.sessions_survived(
            after_kill, [node_answers(n, "/me", c).status_code for n in NODES for c in cookies]
        )

        # -- Prometheus scrapes both nodes; the balancer's host may not ----------
        if shutil.which("prometheus"):
            port = free_port()
            processes.start(
                "prometheus",
                prometheus_command(work, [f"{n.address}:{NODE_PORT}" for n in NODES], port),
                dict(os.environ),
            )
            checks.scrape(scraped(port, 45))
        else:
            checks.failed(
                "Prometheus scrapes both nodes",
                "prometheus is missing (scripts/system-packages.sh)",
            )
        from_balancer = subprocess.run(BALANCER.command(f"{ROOT}/.venv/bin/python", "-c", FETCH_METRICS, node_url(NODES[0])),
                                       capture_output=True, text=True, timeout=60)  # fmt: skip
        checks.metrics_refused_to_others(from_balancer.stdout.strip())

        # -- a document uploaded through node 1, downloaded through node 2 ----------
        checks.document_across_nodes(*upload_on_one_download_on_other(direct_cookie, PDF))

        # -- rescoring on both nodes at once, one of them killed midway -------------
        checks.rescoring(rescore_on_both(admin_url, processes, flask, env, work))

        # -- the outbox drained; the register's invariants ------------------------
        wait_for(
            "the outbox drained",
            lambda: (
                one(admin_url, "SELECT count(*) FROM outbox_messages WHERE status = 'pending'") == 0
            ),
            60,
            0.5,
        )
        checks.outbox(admin_url, gateway, [processes.log_of(f"outbox{i}") for i in (1, 2)])
        checks.register(admin_url, citizens, first_versions[: len(cookies)])
        integrity = subprocess.run(NODES[1].command(*flask, "integrity", "check"), cwd=ROOT, env=env,
                                   capture_output=True, text=True, timeout=300)  # fmt: skip
        checks.integrity(integrity.returncode, (integrity.stdout + integrity.stderr).strip())
    except Exception as error:
        checks.failed("the scenario ran to its end", f"{type(error).__name__}: {error}")
    finally:
        processes.kill_all()
        if gateway is not None:
            gateway.close()
        network.tear_down(hosts)
        try:
            drop_database()
        except psycopg.Error as error:
            say(f"could not drop {DATABASE}: {error}")
    checks.summary(time.monotonic() - started)
    if args.keep or not checks.ok:
        say(f"logs kept in {work / 'logs'}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if checks.ok else 1


def upload_on_one_download_on_other(cookie: str, document: bytes) -> tuple[int, int, bool]:
    """File a review straight on node 1, then fetch its document straight from node 2."""
    from bs4 import BeautifulSoup

    headers = {"Host": PUBLIC_HOST, "Cookie": f"rsu_session={cookie}"}
    first, second = node_url(NODES[0]), node_url(NODES[1])
    page = BeautifulSoup(
        requests.get(first + "/reviews/new", headers=headers, timeout=10).text, "html.parser"
    )
    form = page.select_one("form[enctype='multipart/form-data']")
    fields = (
        {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")} if form else {}
    )
    fields |= {"reason": "declaration_error", "explanation": "Le loyer déclaré est faux."}
    filed = requests.post(first + "/reviews/new", headers=headers, data=fields, timeout=20, allow_redirects=False,
                          files=[("documents", ("quittance.pdf", document, "application/pdf"))])  # fmt: skip
    number = filed.headers.get("Location", "").rsplit("/", 1)[-1]
    review = BeautifulSoup(
        requests.get(second + f"/reviews/{number}", headers=headers, timeout=10).text, "html.parser"
    )
    link = review.find("a", href=re.compile(rf"/reviews/{re.escape(number)}/documents/\d+"))
    if link is None:
        return filed.status_code, 0, False
    download = requests.get(second + str(link["href"]), headers=headers, timeout=10)
    return filed.status_code, download.status_code, download.content == document


def rescore_on_both(
    url: str, processes: Processes, flask: list[str], env: dict[str, str], work: Path
) -> dict[str, Any]:
    """`flask scoring publish` of a new model started on both nodes at once;
    node 1's is killed once a few chunks are done; node 2's must finish."""
    model_id = f"pmt-cluster-{secrets.token_hex(3)}"
    model = work / f"{model_id}.toml"
    # Lower intercepts: households cross thresholds, and each crossing is an SMS to send.
    text = re.sub(
        r'^id = ".*"$', f'id = "{model_id}"', DEFAULT_MODEL.read_text(), count=1, flags=re.M
    )
    text = re.sub(
        r"^intercept = (.*)$",
        lambda m: f"intercept = {Decimal(m.group(1)) - Decimal('0.3')}",
        text,
        flags=re.M,
    )
    model.write_text(text)
    active = one(url, "SELECT count(*) FROM households WHERE status = 'active'")
    command = [*flask, "scoring", "publish", str(model), "--chunk-size", "100", "--workers", "1"]
    publishers = [
        processes.start(f"publish{i}", node.command(*command), env)
        for i, node in enumerate(NODES, 1)
    ]
    done = "SELECT count(*) FILTER (WHERE c.done_at IS NOT NULL), count(*) FROM rescoring_chunks c" \
           " JOIN rescoring_runs r ON r.id = c.run_id WHERE r.model_id = %s"  # fmt: skip
    wait_for("the first chunks done", lambda: one(url, done, model_id) >= 2, 120, 0.05)
    finished, planned = sql(url, done, model_id)[0]
    processes.kill("publish1")
    killed_with_chunks_left = planned - finished
    say(f"node1's publisher killed with {killed_with_chunks_left} of {planned} chunks not done")
    survivor = publishers[1].wait(180)
    row = sql(url, "SELECT count(*), count(DISTINCT s.household_id), count(DISTINCT s.household_version_id)"
                   " FROM scores s WHERE s.model_id = %s", model_id)[0]  # fmt: skip
    unscored = one(url, "SELECT count(*) FROM households h JOIN household_versions v ON v.household_id = h.id"
                        " AND v.number = h.version_number WHERE h.status = 'active' AND NOT EXISTS"
                        " (SELECT 1 FROM scores s WHERE s.household_version_id = v.id AND s.model_id = %s)",
                   model_id)  # fmt: skip
    return {"active": active, "scores": row[0], "households": row[1], "versions": row[2],
            "unscored": unscored, "survivor_exit": survivor, "chunks_left_at_kill": killed_with_chunks_left,
            "planned": planned, "survivor_output": processes.log_of("publish2")[-300:]}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
