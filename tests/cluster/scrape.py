"""Debian's Prometheus scraping each node's /metrics from the operators'
side (the root namespace), as an operator's server would."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prometheus_command(folder: Path, targets: list[str], port: int) -> list[str]:
    config = folder / "prometheus.yml"
    listed = ", ".join(f"'{target}'" for target in targets)
    config.write_text(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n"
        "scrape_configs:\n  - job_name: rsu-portal\n    metrics_path: /metrics\n"
        f"    static_configs:\n      - targets: [{listed}]\n"
    )
    return ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={folder / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"]  # fmt: skip


def scraped(port: int, seconds: float) -> dict[str, Any]:
    """Wait (at most ``seconds``) until every target is up and the request
    counter can be queried; returns what Prometheus says."""
    api = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + seconds
    health: dict[str, str] = {}
    requests_counted = 0.0
    errors: list[str] = []
    while time.monotonic() < deadline:
        try:
            targets = requests.get(f"{api}/targets", timeout=2).json()["data"]["activeTargets"]
            health = {t["scrapeUrl"]: t["health"] for t in targets}
            errors = [t["lastError"] for t in targets if t.get("lastError")]
            answer = requests.get(f"{api}/query", params={"query": "sum(rsu_http_requests_total)"},
                                  timeout=2).json()["data"]["result"]  # fmt: skip
            requests_counted = float(answer[0]["value"][1]) if answer else 0.0
        except (requests.RequestException, ValueError, KeyError):
            pass
        if health and all(h == "up" for h in health.values()) and requests_counted > 0:
            break
        time.sleep(0.5)
    return {"health": health, "requests": requests_counted, "errors": errors}
