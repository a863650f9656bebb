"""Firing requests at once, to check that limits and "only once" hold under races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from flask.testing import FlaskClient

T = TypeVar("T")
PARALLEL = 20  # docs/architecture.md: every limit and every "only once" is tested with 20 at once


def at_once(job: Callable[[int], T], count: int = PARALLEL) -> list[T]:
    """``job(0)`` … ``job(count - 1)``, each in its own thread, released together."""
    barrier = threading.Barrier(count)
    results: list[T | BaseException | None] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = job(index)
        except BaseException as error:  # reported below, in the test's thread
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def same_browser(app: Flask, client: FlaskClient, count: int = PARALLEL) -> list[FlaskClient]:
    """``count`` clients holding ``client``'s session cookie: one person, many tabs."""
    cookie = client.get_cookie("rsu_session")
    assert cookie is not None, "sign in first"
    clients = []
    for _ in range(count):
        copy = app.test_client()
        copy.set_cookie("rsu_session", cookie.value)
        clients.append(copy)
    return clients
