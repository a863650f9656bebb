"""Running jobs at the same moment: every limit and every "only once" is tested this way."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.support.served import served


def at_once(jobs: Sequence[Callable[[], Any]], timeout: float = 120) -> list[Any]:
    """Each job in its own thread, released together; their results (or the exception raised)."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = jobs[index]()
        except Exception as error:  # reported by the caller's assertions
            results[index] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def post_at_once(
    app: Flask, client: FlaskClient, path: str, count: int, **request: Any
) -> list[requests.Response]:
    """The same POST, ``count`` times at once over real HTTP, in the client's session."""
    cookie = client.get_cookie("rsu_session")
    assert cookie is not None, "sign in first"
    with served(app) as base:

        def send() -> requests.Response:
            return requests.post(f"{base}{path}", cookies={"rsu_session": cookie.value},
                                 allow_redirects=False, timeout=120, **request)  # fmt: skip

        return at_once([send] * count)
