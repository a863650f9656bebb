"""Acting on a page in the browser, and waiting for what it does: never for a fixed time."""

from __future__ import annotations

from typing import Any


def radio(page: Any, name: str, value: str) -> None:
    page.locator(f"input[name={name}][value={value}]").check()


def wait_for_htmx(page: Any) -> None:
    """Until no htmx request is in flight. A live check starts on the ``change``
    event itself, so right after an answer its request is already counted;
    without JavaScript there is none to wait for."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
