"""Static files: fingerprinted URLs, precompressed, cached for a year; only
personal pages are no-store."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.support.login import login_as
from tests.support.pages import soup_of

FINGERPRINTED = re.compile(r"/static/[a-z/]+[a-z.]+-[0-9a-f]{32}\.(css|js|svg)")


def asset_urls(client: FlaskClient, path: str) -> list[str]:
    page = soup_of(client.get(path))
    urls = [str(tag["href"]) for tag in page.find_all("link") if tag.get("href")]
    urls += [str(tag["src"]) for tag in page.find_all(["script", "img"]) if tag.get("src")]
    return [url for url in urls if url.startswith("/static/")]


def test_pages_link_fingerprinted_assets(client: FlaskClient) -> None:
    urls = asset_urls(client, "/")
    assert len(urls) >= 4
    for url in urls:
        assert FINGERPRINTED.fullmatch(url), url


def test_assets_are_immutable_and_precompressed(client: FlaskClient) -> None:
    for url in asset_urls(client, "/"):
        for encoding in ("br", "gzip"):
            response = client.get(url, headers={"Accept-Encoding": encoding})
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert response.headers["Content-Encoding"] == encoding, url
            assert "Accept-Encoding" in response.headers["Vary"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers
        assert len(plain.data) >= len(response.data)


def test_signed_in_assets_are_cacheable_and_pages_are_not(client: FlaskClient, demo: None) -> None:
    login_as(client, "youssef")
    page = client.get("/household")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for url in asset_urls(client, "/household"):
        asset = client.get(url)
        assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Set-Cookie" not in asset.headers


def test_a_plain_asset_name_still_answers_but_briefly_cached(client: FlaskClient) -> None:
    """A page from before a deployment may still name a file without its fingerprint."""
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]


def test_asset_urls_follow_where_the_app_is_mounted(client: FlaskClient) -> None:
    # Asset URLs are kept per process (app.web.static_assets._kept_urls): one
    # built for the app at the root must not answer for the app under a prefix.
    at_root = asset_urls(client, "/")
    page = soup_of(client.get("/", environ_overrides={"SCRIPT_NAME": "/portal"}))
    mounted = [str(tag["href"]) for tag in page.find_all("link") if tag.get("href")]
    mounted += [str(tag["src"]) for tag in page.find_all(["script", "img"]) if tag.get("src")]
    assert sorted(url for url in mounted if url.startswith("/portal/static/")) == sorted(
        "/portal" + url for url in at_root
    )
    assert asset_urls(client, "/") == at_root
