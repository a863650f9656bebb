"""The document store port: where supporting documents' bytes live.

The local adapter keeps them on disk under UPLOAD_DIR, outside the web
root, each under a random name the server chose: no name a person typed is
ever used as a path.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app


class DocumentStore(Protocol):
    def save(self, content: bytes) -> str:
        """Keep the bytes; returns the name to fetch them with."""
        ...

    def read(self, name: str) -> bytes: ...

    def delete(self, name: str) -> None: ...

    def names(self) -> Iterator[str]:
        """Every document kept (for the integrity check: each must have its row)."""
        ...


class LocalDocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        if not (len(name) == 48 and all(c in "0123456789abcdef" for c in name)):
            raise ValueError("not a stored document name")
        return self.root / name[:2] / name

    def save(self, content: bytes) -> str:
        name = secrets.token_hex(24)
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)  # whole file or nothing
        return name

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        # A ".part" file is a save cut short: not a document, and never read.
        for path in self.root.glob("??/*"):
            if path.is_file() and path.suffix != ".part":
                yield path.name


def init_document_store(app: Flask) -> None:
    app.extensions["rsu_documents"] = LocalDocumentStore(Path(app.config["UPLOAD_DIR"]))


def document_store() -> DocumentStore:
    store: DocumentStore = current_app.extensions["rsu_documents"]
    return store
