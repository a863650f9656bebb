"""The document store port: where supporting documents' bytes live.

Two adapters, chosen by DOCUMENT_STORE:

- ``database`` (the default): the bytes are rows of ``document_contents``,
  in the database every node of the portal already shares. A document's
  bytes are written in the transaction that records its row, so both are
  kept or neither, and a node that dies takes nothing with it.
- ``local``: files under UPLOAD_DIR on this machine's disk, outside the web
  root. Right for one machine; several nodes would each see only their own
  uploads unless UPLOAD_DIR is a shared file system.

Either way each document is kept under a random name the server chose: no
name a person typed is ever used as a path or a key.
docs/deployment.md weighs the two, and says when an object store is better.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import clock
from app.models.documents import DocumentContent


def _checked(name: str) -> str:
    if not (len(name) == 48 and all(c in "0123456789abcdef" for c in name)):
        raise ValueError("not a stored document name")
    return name


class DocumentStore(Protocol):
    # True when saving and deleting join the caller's database transaction:
    # the bytes then go (or stay) with the rows that name them.
    transactional: bool

    def save(self, content: bytes) -> str:
        """Keep the bytes; returns the name to fetch them with."""
        ...

    def read(self, name: str) -> bytes:
        """The bytes; FileNotFoundError when none are kept under that name."""
        ...

    def delete(self, name: str) -> None: ...

    def names(self) -> Iterator[str]:
        """Every document kept (for the integrity check: each must have its row)."""
        ...


class LocalDocumentStore:
    transactional = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        return self.root / _checked(name)[:2] / name

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


class DatabaseDocumentStore:
    """The bytes as rows of ``document_contents``, through the caller's session.

    ``save`` and ``delete`` only add to the session's transaction: the
    caller's commit keeps them with the document's row, its rollback drops
    them with it. Nothing is committed here.
    """

    transactional = True

    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, content: bytes) -> str:
        name = secrets.token_hex(24)
        self.session.add(DocumentContent(name=name, content=content, stored_at=clock.now()))
        return name

    def read(self, name: str) -> bytes:
        content = self.session.scalar(
            select(DocumentContent.content).where(DocumentContent.name == _checked(name))
        )
        if content is None:
            raise FileNotFoundError(name)
        return content

    def delete(self, name: str) -> None:
        self.session.execute(delete(DocumentContent).where(DocumentContent.name == _checked(name)))

    def names(self) -> Iterator[str]:
        # Names only, a thousand at a time: the bytes stay on the server.
        yield from self.session.scalars(
            select(DocumentContent.name).execution_options(yield_per=1000)
        )


def init_document_store(app: Flask) -> None:
    """``app.extensions["rsu_documents"]``: the store for a given session."""
    kind = app.config["DOCUMENT_STORE"]
    factory: Callable[[Session], DocumentStore]
    if kind == "local":
        local = LocalDocumentStore(Path(app.config["UPLOAD_DIR"]))
        factory = lambda _session: local  # noqa: E731 (one store for every session)
    else:
        factory = DatabaseDocumentStore
    app.extensions["rsu_documents"] = factory


def document_store(session: Session) -> DocumentStore:
    """The configured store, working through ``session`` (the use case's own)."""
    factory: Callable[[Session], DocumentStore] = current_app.extensions["rsu_documents"]
    return factory(session)
