"""Our CSS, JavaScript and images: fingerprinted, precompressed, cached for a year.

The build (``make setup``, through Flask-Static-Digest's ``flask digest
compile``) copies each file under a name that carries the MD5 of its content
(``css/app-<md5>.css``), writes gzip and brotli copies next to it, and a
manifest from each plain name to its fingerprinted one. Templates link with
``static_url_for``, which reads that manifest: a changed file gets a new URL,
so a browser may keep the old one for a year without ever asking again.

WhiteNoise serves the files ahead of Flask: the brotli or gzip copy when the
browser accepts it, ``Vary: Accept-Encoding``, and for a fingerprinted name
``Cache-Control: public, max-age=31536000, immutable``. Being ahead of Flask
also means a static file never opens the server-side session, and never gets
the ``no-store`` that the personal pages carry (``security_headers``). A plain
name (no fingerprint: a page from before a deployment, or a fresh checkout
before ``make setup``) is cached for a minute only.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from whitenoise import WhiteNoise

from app.extensions import static_digest

# Flask-Static-Digest's fingerprint: "-" and 32 hexadecimal digits before the extension.
FINGERPRINTED = re.compile(r"-[0-9a-f]{32}\.[A-Za-z0-9]+$")
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
PLAIN_MAX_AGE = 60


def is_fingerprinted(path: str, url: str) -> bool:
    return bool(FINGERPRINTED.search(url))


def _headers(headers: Any, path: str, url: str) -> None:
    # WhiteNoise's own "forever" is ten years; a year is what HTTP caches honour.
    if is_fingerprinted(path, url):
        headers["Cache-Control"] = IMMUTABLE
    headers["X-Content-Type-Options"] = "nosniff"


def init_static_assets(app: Flask) -> None:
    app.config.setdefault("FLASK_STATIC_DIGEST_COMPRESSION", ["gzip", "brotli"])
    static_digest.init_app(app)
    assert app.static_folder is not None and app.static_url_path is not None
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=PLAIN_MAX_AGE,
        immutable_file_test=is_fingerprinted,
        add_headers_function=_headers,
    )
