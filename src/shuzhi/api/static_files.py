"""The built web app (frontend/dist) at /: compressed copies by Accept-Encoding, cache headers, SPA fallback.

- A file with a copy made at build time (frontend/precompress.ts writes `<file>.br` and `<file>.gz`) is sent
  as that copy when the client accepts it — brotli first, then gzip — with `Content-Encoding`, the original
  file's `Content-Type`, and `Vary: Accept-Encoding`. A client that accepts neither (or refuses one with
  `;q=0`) gets the file itself. Nothing is compressed at request time.
- /assets/* (file names carry a content hash, so a changed file has a new name) is cached for a year:
  `Cache-Control: public, max-age=31536000, immutable`. A missing asset is a 404, never index.html.
- index.html and every other file (not hashed) are `Cache-Control: no-cache`: the browser revalidates each
  time, and `ETag` / `Last-Modified` (per copy) make an unchanged file a 304 without a body.
- Any other path that is not a file (or is a dot file) is index.html (client-side routing); /api/*, /openapi.json and /docs*
  stay the API's JSON 404s. Paths never leave the dist folder.

The security headers (security_headers.py) are added by their middleware to these responses as to any other.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from email.utils import parsedate_to_datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # preference order when the client accepts several equally
API_PATHS = ("api/", "openapi.json", "docs")


def accepted_encodings(header: str | None) -> set[str]:
    """The content codings an Accept-Encoding header allows (q > 0); `*` stands for br and gzip."""
    allowed: set[str] = set()
    refused: set[str] = set()
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        (allowed if q > 0 else refused).add(name)
    if "*" in allowed:
        allowed |= {"br", "gzip"} - refused
    return allowed - refused


def _media_type(path: Path) -> str:
    if path.suffix in (".js", ".mjs"):
        return "text/javascript; charset=utf-8"
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("+xml") else guessed


def _stat_file(path: Path) -> os.stat_result | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def not_modified(request: Request, etag: str, last_modified: str) -> bool:
    """If-None-Match (when sent, it alone decides), else If-Modified-Since — RFC 9110 section 13.2.2."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if not since:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False


def file_response(request: Request, path: Path, cache_control: str) -> Response:
    """`path` (a file of the dist folder) or its compressed copy, with cache headers; 304 when unchanged."""
    accepted = accepted_encodings(request.headers.get("accept-encoding"))
    chosen, encoding, has_copies = path, None, False
    st = _stat_file(path)
    if st is None:
        raise StarletteHTTPException(404)  # gone since it was looked up (the web app being rebuilt)
    for coding, suffix in ENCODINGS:
        copy = path.with_name(path.name + suffix)
        copy_st = _stat_file(copy)
        if copy_st is None:
            continue
        has_copies = True
        if encoding is None and coding in accepted:
            chosen, encoding, st = copy, coding, copy_st
    headers = {"cache-control": cache_control}
    if has_copies:
        headers["vary"] = "Accept-Encoding"
    if encoding:
        headers["content-encoding"] = encoding
    response = FileResponse(chosen, headers=headers, media_type=_media_type(path), stat_result=st)
    if not_modified(request, response.headers["etag"], response.headers["last-modified"]):
        keep = ("cache-control", "etag", "last-modified", "vary", "content-encoding")
        return Response(status_code=304, headers={k: v for k, v in response.headers.items() if k in keep})
    return response


def _inside(dist: Path, rel: str) -> Path | None:
    """The file `rel` of `dist`, or None when it is not a regular file inside it (no `..`, no links out)."""
    if not rel or "\x00" in rel or any(part.startswith(".") for part in rel.split("/")):
        return None  # nor dot files (the build manifest under .vite/)
    target = (dist / rel).resolve()
    if dist not in target.parents or _stat_file(target) is None:
        return None
    return target


def mount_web_app(app: FastAPI, dist: Path) -> None:
    """Serves `dist` (a built web app with index.html) at / after every API route."""
    dist = dist.resolve()
    index = dist / "index.html"

    async def web_app(path: str, request: Request) -> Response:
        if path == "api" or path.startswith(API_PATHS):
            raise StarletteHTTPException(404)  # unknown API paths stay JSON 404s
        if path.endswith((".br", ".gz")) and _inside(dist, path[:-3]) is not None:
            raise StarletteHTTPException(404)  # the copies are reached through their file, by Accept-Encoding
        target = _inside(dist, path)
        if path.startswith("assets/"):
            if target is None:
                raise StarletteHTTPException(404)
            return file_response(request, target, IMMUTABLE)
        if target is not None:
            return file_response(request, target, NO_CACHE)
        return file_response(request, index, NO_CACHE)

    app.add_api_route("/{path:path}", web_app, methods=["GET", "HEAD"], include_in_schema=False)
