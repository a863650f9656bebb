"""`make cluster-test` inside `make test`: the same script, skipped (with its
reason) where network namespaces cannot be made."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cluster.run import SKIPPED

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.cluster
def test_two_nodes_behind_haproxy_lose_nothing_when_one_is_killed() -> None:
    run = subprocess.run([sys.executable, "-m", "tests.cluster.run"], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)  # fmt: skip
    print(run.stdout)
    if run.returncode == SKIPPED:
        pytest.skip(run.stdout.strip().splitlines()[-1])
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
