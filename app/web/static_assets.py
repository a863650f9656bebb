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

from flask import Flask, request
from whitenoise import WhiteNoise

from app.extensions import static_digest

# Flask-Static-Digest's fingerprint: "-" and 32 hexadecimal digits before the extension.
FINGERPRINTED = re.compile(r"-[0-9a-f]{32}\.[A-Za-z0-9]+$")
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
PLAIN_MAX_AGE = 60
# Mount points whose asset URLs are kept (one in any real deployment); past
# that, URLs are built each time rather than kept without bound.
KEPT_MOUNT_POINTS = 4


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
    app.jinja_env.globals["static_url_for"] = _kept_urls(static_digest.static_url_for)
    assert app.static_folder is not None and app.static_url_path is not None
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=PLAIN_MAX_AGE,
        immutable_file_test=is_fingerprinted,
        add_headers_function=_headers,
    )


def _kept_urls(build: Any) -> Any:
    """``static_url_for``, answering from what it built before.

    Every page links the same few assets; the manifest look-up and Flask's
    URL building cost about 13 µs each, five times a page. An asset's URL
    depends only on its name and where the app is mounted (the request's
    script root), so each process keeps it by those.
    """
    kept: dict[tuple[str, str, str], str] = {}
    mount_points: set[str] = set()

    def static_url_for(endpoint: str, **values: Any) -> str:
        filename = values.get("filename")
        if endpoint.startswith(".") or len(values) != 1 or not isinstance(filename, str):
            return str(build(endpoint, **values))  # a blueprint-relative name or other arguments
        root = request.script_root
        key = (endpoint, filename, root)
        url = kept.get(key)
        if url is None:
            url = str(build(endpoint, **values))
            if root in mount_points or len(mount_points) < KEPT_MOUNT_POINTS:
                mount_points.add(root)
                kept[key] = url
        return url

    return static_url_for
