"""The built web app's files (issue 20: "served uncompressed without cache headers").

Over a small dist folder made here (api/static_files.py): the brotli or gzip copy by Accept-Encoding, with the
file's Content-Type and Vary; the file itself for a client that accepts neither; immutable caching for hashed
/assets/ files, no-cache + a 304 on revalidation for index.html; client-side routes and the API's 404s; the
security headers kept. Over the real build (frontend/dist, `make web`): every text asset has its copies, and the
login page's JS + CSS is under 400 KB compressed, counted from the build manifest.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shuzhi.api.static_files import accepted_encodings, mount_web_app
from shuzhi_testing import IN_CI

DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"
JS = b"export const answer = 42;\n" * 400
APP = "/assets/app-4f3c2a1b.js"
LOGIN_BUDGET = 400_000  # bytes, compressed: the login page's JS + CSS


def _fake_br(data: bytes) -> bytes:
    return b"BR" + zlib.compress(data)  # a distinct body: the tests check which copy went out, not brotli itself


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    d = tmp_path / "dist"
    (d / "assets").mkdir(parents=True)
    (d / "index.html").write_text("<!doctype html><title>数智</title>" + "<!-- pad -->" * 200, encoding="utf-8")
    (d / "index.html.gz").write_bytes(gzip.compress((d / "index.html").read_bytes()))
    (d / APP[1:]).write_bytes(JS)
    (d / (APP[1:] + ".gz")).write_bytes(gzip.compress(JS))
    (d / (APP[1:] + ".br")).write_bytes(_fake_br(JS))
    (d / "assets" / "style-9a8b7c6d.css").write_text("body{margin:0}", encoding="utf-8")  # small: no copies
    (d / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the dist folder", encoding="utf-8")
    (d / ".vite").mkdir()
    (d / ".vite" / "manifest.json").write_text("{}", encoding="utf-8")
    return d


@pytest.fixture
def client(dist: Path) -> TestClient:
    app = FastAPI()
    mount_web_app(app, dist)
    return TestClient(app)


def _raw(c: TestClient, path: str, **headers: str):  # type: ignore[no-untyped-def]
    """The response and its body as sent (not decoded by the client)."""
    with c.stream("GET", path, headers=headers) as r:
        return r, b"".join(r.iter_raw())


@pytest.mark.parametrize(("accept", "coding"), [
    ("gzip, deflate, br, zstd", "br"), ("br", "br"), ("gzip, br;q=0", "gzip"), ("gzip", "gzip"), ("*", "br"),
    ("br;q=0, *", "gzip"), ("identity", None), ("", None), ("*;q=0", None), ("deflate", None), ("GZIP;q=0.5", "gzip"),
])
def test_the_copy_is_chosen_by_accept_encoding(client: TestClient, accept: str, coding: str | None) -> None:
    r, body = _raw(client, APP, **{"accept-encoding": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")  # the file's type, not the copy's
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers.get("content-encoding") == coding
    expected = {"br": _fake_br(JS), "gzip": gzip.compress(JS), None: JS}[coding]
    assert (gzip.decompress(body) == JS) if coding == "gzip" else (body == expected)
    assert int(r.headers["content-length"]) == len(body)


def test_hashed_assets_are_immutable_and_the_page_is_revalidated(client: TestClient) -> None:
    r, _ = _raw(client, APP, **{"accept-encoding": "br"})
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    css, _ = _raw(client, "/assets/style-9a8b7c6d.css", **{"accept-encoding": "br, gzip"})
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "content-encoding" not in css.headers and "vary" not in css.headers  # no copies to choose from
    assert css.headers["content-type"].startswith("text/css")
    for path in ("/", "/index.html", "/dashboards/cockpit", "/robots.txt"):
        page, _ = _raw(client, path, **{"accept-encoding": "gzip"})
        assert page.status_code == 200, path
        assert page.headers["cache-control"] == "no-cache", path
        assert page.headers["etag"] and page.headers["last-modified"], path
    assert client.get("/").headers["content-type"].startswith("text/html")
    assert _raw(client, "/", **{"accept-encoding": "gzip"})[0].headers["content-encoding"] == "gzip"


def test_revalidation_is_a_304_per_copy(client: TestClient) -> None:
    for path in ("/", APP):
        br, _ = _raw(client, path, **{"accept-encoding": "gzip, br"})
        again, body = _raw(client, path, **{"accept-encoding": "gzip, br", "if-none-match": br.headers["etag"]})
        assert again.status_code == 304 and body == b"", path
        assert again.headers["etag"] == br.headers["etag"] and again.headers["cache-control"] == br.headers["cache-control"]
        since, _ = _raw(client, path, **{"accept-encoding": "gzip, br", "if-modified-since": br.headers["last-modified"]})
        assert since.status_code == 304, path
        plain, body = _raw(client, path, **{"accept-encoding": "identity", "if-none-match": br.headers["etag"]})
        assert plain.status_code == 200 and "content-encoding" not in plain.headers and body, path  # another copy
        stale, _ = _raw(client, path, **{"if-none-match": '"0123"'})
        assert stale.status_code == 200, path


def test_paths_that_are_not_files(client: TestClient) -> None:
    assert client.get("/assets/missing-12345678.js").status_code == 404  # never index.html for an asset
    assert client.get(APP + ".br").status_code == 404  # copies only through their file
    assert client.get("/api/v1/no-such-route").status_code == 404 and client.get("/api").status_code == 404
    for path in ("/.vite/manifest.json", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
                 "/metrics/x"):
        r = client.get(path)
        assert r.status_code in (200, 404) and "outside" not in r.text, path
        if r.status_code == 200:
            assert "数智" in r.text, path  # index.html (client-side routing), not the file
    head = client.head(APP, headers={"accept-encoding": "br"})
    assert head.status_code == 200 and head.headers["content-encoding"] == "br" and head.content == b""


def test_a_file_removed_while_the_app_is_rebuilt_is_a_404(client: TestClient, dist: Path) -> None:
    (dist / "index.html").unlink()
    (dist / "index.html.gz").unlink()
    assert client.get("/dashboards/cockpit").status_code == 404  # not a 500


def test_accept_encoding_parsing() -> None:
    assert accepted_encodings("gzip, deflate, br, zstd") == {"gzip", "deflate", "br", "zstd"}
    assert accepted_encodings("br;q=0.0, gzip;q=1") == {"gzip"}
    assert accepted_encodings("*;q=0.1, gzip;q=0") == {"*", "br"}
    assert accepted_encodings("br;q=oops") == set() and accepted_encodings(None) == set()


def test_the_app_serves_its_files_with_the_security_headers(make_client, monkeypatch, dist: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("shuzhi.api.app._frontend_dist", lambda: dist)
    c = make_client()
    for path in (APP, "/", "/login"):
        r = c.get(path, headers={"accept-encoding": "gzip"})
        assert r.status_code == 200, path
        assert "script-src 'self'" in r.headers["content-security-policy"], path
        assert r.headers.get_list("x-content-type-options") == ["nosniff"], path
    assert c.get(APP, headers={"accept-encoding": "gzip"}).headers["content-encoding"] == "gzip"
    r = c.get("/api/v1/no-such-route")
    assert r.status_code == 404 and r.json()["error"]["code"]  # the API's JSON 404, not index.html


# --- the real build ----------------------------------------------------------------------------------------

def _manifest() -> dict:
    path = DIST / ".vite" / "manifest.json"
    if not path.is_file():
        if IN_CI:
            pytest.fail("frontend/dist/.vite/manifest.json is missing: `make web` must run before the tests")
        pytest.skip("the web app is not built (make web)")
    return json.loads(path.read_text(encoding="utf-8"))


def _login_files(manifest: dict) -> list[str]:
    """The files a browser loads for the login page: the entry, its static imports (transitively), their CSS."""
    entry = next(k for k, v in manifest.items() if v.get("isEntry") and k == "index.html")
    seen: list[str] = []
    todo = [entry]
    while todo:
        chunk = manifest[todo.pop()]
        for f in (chunk["file"], *chunk.get("css", [])):
            if f not in seen:
                seen.append(f)
        todo += [i for i in chunk.get("imports", []) if manifest[i]["file"] not in seen]
    return seen


def test_the_login_page_needs_less_than_400_kb_compressed() -> None:
    files = _login_files(_manifest())
    sizes = {f: {s: (DIST / (f + s)).stat().st_size for s in ("", ".br", ".gz")} for f in files}
    brotli, gz, raw = (sum(v[s] for v in sizes.values()) for s in (".br", ".gz", ""))
    assert brotli < LOGIN_BUDGET and gz < LOGIN_BUDGET, sizes
    assert brotli < raw / 3, sizes
    assert not any("echarts" in f for f in files), files  # charts come after sign-in


def test_every_built_text_file_has_its_copies() -> None:
    _manifest()
    for f in (DIST / "assets").iterdir():
        if f.suffix in (".js", ".css") and f.stat().st_size >= 1024:
            for suffix in (".br", ".gz"):
                copy = f.with_name(f.name + suffix)
                assert copy.is_file(), copy
            gz = f.with_name(f.name + ".gz")
            if gz.is_file():
                assert gzip.decompress(gz.read_bytes()) == f.read_bytes(), gz
