"""Serialised answers of GET /models and GET /models/{name}, kept per model version and view.

Every cockpit view reads both; building them re-validates the whole model, builds its index (for
the reader view) and encodes it, which was the largest CPU cost of a view. The bytes are cached
in-process under a key made of everything that decides the answer:
- /models/{name}: the model's name and version, and the view: "full" (content:edit) or the
  reader view of one role (model.access.reader_view depends only on the model and the role);
- /models: (name, version, is_default) of every model.
Invariant: a model's definition changes only with a new version (catalog.semantic.save_model), so a
key never names two different answers; the version is read from the catalog on every request, so a
save in any process is seen at once by every process. Bounded by bytes (LRU). One cache per app
(app.state), since each app has its own catalog (tests make many apps in one process).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from fastapi import Request, Response

from shuzhi.engines.cache import ResultCache

MAX_BYTES = 16 * 1024 * 1024
_made = threading.Lock()


def encode(obj: Any) -> bytes:
    """The bytes FastAPI's JSON answer would have (compact, UTF-8, no NaN)."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class ModelAnswers:
    def __init__(self) -> None:
        self._bytes = ResultCache(max_bytes=MAX_BYTES, size_of=len)

    def cached(self, key: tuple[Any, ...]) -> Response | None:
        body = self._bytes.get(repr(key))
        return None if body is None else Response(body, media_type="application/json")

    def keep(self, key: tuple[Any, ...], obj: Any) -> Response:
        """Encode `obj`, keep the bytes under `key` and answer them. (No single-flight: a caller
        holds a catalog session, so it never waits for another request; concurrent misses all build.)"""
        body = encode(obj)
        self._bytes.put(repr(key), body)
        return Response(body, media_type="application/json")


def of(request: Request) -> ModelAnswers:
    """The app's ModelAnswers (made on first use)."""
    state = request.app.state
    with _made:
        if getattr(state, "model_answers", None) is None:
            state.model_answers = ModelAnswers()
        return state.model_answers  # type: ignore[no-any-return]
