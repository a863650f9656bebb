"""The virus scanner port: every supporting document is scanned before it is stored.

Only the development adapter exists yet, and its name says what it does:
it accepts everything. A real adapter (for instance one speaking to a
clamd daemon) implements ``VirusScanner`` and is chosen by VIRUS_SCANNER.
"""

from __future__ import annotations

import logging
from typing import Protocol

from flask import Flask, current_app

log = logging.getLogger(__name__)


class VirusScanner(Protocol):
    def is_clean(self, content: bytes) -> bool:
        """False when the file carries malware: it is then refused, never stored."""
        ...


class AcceptEverythingDevelopmentScanner:
    """Scans nothing: every file is clean to it. Development and tests only."""

    def is_clean(self, content: bytes) -> bool:
        return True


SCANNERS: dict[str, type[VirusScanner]] = {
    "accept-everything-development": AcceptEverythingDevelopmentScanner,
}


def init_virus_scanner(app: Flask) -> None:
    name = app.config["VIRUS_SCANNER"]
    if app.config["RSU_ENV"] == "production" and name == "accept-everything-development":
        log.warning("VIRUS_SCANNER=%s: uploaded documents are NOT scanned for malware", name)
    app.extensions["rsu_virus_scanner"] = SCANNERS[name]()


def virus_scanner() -> VirusScanner:
    scanner: VirusScanner = current_app.extensions["rsu_virus_scanner"]
    return scanner
