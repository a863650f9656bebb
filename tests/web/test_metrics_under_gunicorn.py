"""Under real gunicorn, with two workers: /metrics adds up every worker's
counts (prometheus_client's multiprocess mode, set up by gunicorn.conf.py),
and with LOG_FORMAT=json every line gunicorn and the portal write is JSON."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
MADE_HERE = re.compile(r"[0-9a-f]{32}")
HEALTHZ = {"method": "GET", "route": "/healthz", "status": "200"}


def free_port() -> int:
    """One of this suite's ports (18100-18199) that nothing listens on."""
    for port in range(18150, 18200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 18150-18199")


@pytest.fixture
def gunicorn(database_url: str, migrated: None, tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """gunicorn with its gunicorn.conf.py, two workers. Yields its URL, its
    metrics directory and the file its stderr goes to."""
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    # Left by an "earlier run": the master must empty the directory of these, and only these.
    (metrics_dir / "counter_999999.db").write_bytes(b"\0" * 64)
    (metrics_dir / "notes.txt").write_text("not prometheus_client's")
    port = free_port()
    env = {
        **os.environ,
        "RSU_ENV": "test",
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "LOG_FORMAT": "json",
    }
    stderr = tmp_path / "stderr.log"
    with stderr.open("wb") as errors:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--no-control-socket",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert server.poll() is None, stderr.read_text()[-2000:]
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # still booting
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer within 30 s")
        yield url, metrics_dir, stderr
    finally:
        server.terminate()
        server.wait(timeout=30)


def healthz_count(body: str) -> float:
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "rsu_http_requests_total" and sample.labels == HEALTHZ:
                return sample.value
    return 0.0


def healthz_by_worker(metrics_dir: Path) -> dict[str, float]:
    """Each worker's own count, read from its file."""
    counts = {}
    for path in sorted(metrics_dir.glob("counter_*.db")):
        counts[path.name] = healthz_count_in(MultiProcessCollector.merge([str(path)]))
    return counts


def healthz_count_in(metrics: object) -> float:
    total = 0.0
    for metric in metrics:  # type: ignore[attr-defined]
        for sample in metric.samples:
            if sample.name == "rsu_http_requests_total" and sample.labels == HEALTHZ:
                total += sample.value
    return total


def test_a_scrape_adds_up_both_workers_and_the_logs_are_json(
    gunicorn: tuple[str, Path, Path],
) -> None:
    url, metrics_dir, stderr = gunicorn
    assert not (metrics_dir / "counter_999999.db").exists()
    assert (metrics_dir / "notes.txt").exists()

    def hit(_: int) -> int:
        return requests.get(f"{url}/healthz", timeout=5).status_code  # a new connection each

    before = healthz_count(requests.get(f"{url}/metrics", timeout=5).text)
    sent = 0
    # Requests in parallel, until both workers have answered some (bounded).
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(10):
            statuses = list(pool.map(hit, range(40)))
            assert statuses == [200] * 40
            sent += 40
            by_worker = healthz_by_worker(metrics_dir)
            if sum(1 for count in by_worker.values() if count > 0) >= 2:
                break
    assert sum(1 for count in by_worker.values() if count > 0) == 2, by_worker

    scraped = requests.get(f"{url}/metrics", timeout=5)
    assert scraped.status_code == 200
    assert healthz_count(scraped.text) == before + sent == sum(by_worker.values())

    # A worker killed outright: gunicorn starts another, and the dead one's
    # counts stay in the sum (counters never go back).
    os.kill(int(next(iter(by_worker)).removeprefix("counter_").removesuffix(".db")), signal.SIGKILL)
    deadline = time.monotonic() + 20
    while len(list(metrics_dir.glob("counter_*.db"))) < 3 and time.monotonic() < deadline:
        try:  # another route, so that /healthz's count stays as it was
            requests.get(f"{url}/readyz", timeout=5)
        except requests.RequestException:
            time.sleep(0.1)
    assert len(list(metrics_dir.glob("counter_*.db"))) == 3, "no new worker counted anything"
    after_death = requests.get(f"{url}/metrics", timeout=5)
    assert healthz_count(after_death.text) == before + sent

    time.sleep(0.3)  # the last lines leave the workers' buffers
    lines = stderr.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    request_lines = [r for r in records if r["logger"] == "app.requests"]
    assert all(MADE_HERE.fullmatch(str(r["request_id"])) for r in request_lines)
    assert sum(1 for r in request_lines if r["route"] == "/healthz") == before + sent
    assert any(r["logger"] == "gunicorn.error" for r in records)
