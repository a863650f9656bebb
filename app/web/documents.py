"""Serving a stored supporting document: always as a download, never rendered.

``Content-Disposition: attachment`` and ``nosniff`` keep a browser from
running a file that pretends to be something else; ``no-store`` keeps it
out of shared caches and of the phone's cache.
"""

from __future__ import annotations

import io

from flask import send_file
from werkzeug.wrappers import Response

from app.extensions import db
from app.integrations.document_store import document_store
from app.models import ReviewDocument


def download(document: ReviewDocument) -> Response:
    content = document_store(db.session).read(document.storage_name)
    response = send_file(
        io.BytesIO(content),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_name,
        max_age=0,
        etag=False,
        last_modified=None,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
