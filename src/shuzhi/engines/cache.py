"""Result cache and single-flight de-duplication of identical concurrent queries.

Keys are made by the caller from everything that determines a result: the normalized spec, the
model and its version, the user's security context, the data version and the row cap. A query
that is already running under a key is not run again: later callers wait for its result (or its
error). The cache is an in-process LRU bounded by bytes (Arrow buffer sizes). A waiter holds no
lock and no catalog connection while it waits (callers close their sessions first).

invalidate() drops every entry and moves `generation` on; callers mix the generation into their
keys' data version, so a result computed before an invalidation is never served after it. With
several instances, engines/redis_cache.py (a subclass) shares entries and generations through Redis.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


def cache_key(*parts: Any) -> str:
    raw = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ResultCache:
    def __init__(self, max_bytes: int = 256 * 1024 * 1024, size_of: Callable[[Any], int] | None = None) -> None:
        self.max_bytes = max_bytes
        self._size_of = size_of or (lambda v: int(getattr(v, "nbytes", 1024)))
        self._items: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._inflight: dict[str, Future[Any]] = {}
        self.hits = self.misses = self.shared = 0
        self._generation = 0

    @property
    def generation(self) -> str:
        """Changes at every invalidate() (here or, with Redis, in any instance)."""
        return str(self._generation)

    def invalidate(self) -> None:
        """Data changed: forget every result."""
        with self._lock:
            self._generation += 1
        self.clear()

    def close(self) -> None:
        """Release what the cache holds outside the process (nothing here)."""

    def get(self, key: str) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: str, value: Any) -> None:
        size = self._size_of(value)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, (_, s) = self._items.popitem(last=False)
                self._bytes -= s

    def single_flight(self, key: str, compute: Callable[[], T]) -> T:
        """Run `compute` once for identical concurrent calls; nothing is kept afterwards."""
        return self.get_or_compute(key, compute, keep=lambda _v: False)[0]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def get_or_compute(self, key: str, compute: Callable[[], T],
                       keep: Callable[[T], bool] | None = None) -> tuple[T, bool]:
        """(value, was_cached). Identical concurrent calls share one computation; its value is
        kept for later calls unless `keep(value)` says no (then only concurrent callers share it)."""
        hit = self.get(key)
        if hit is not None:
            return hit, True
        with self._lock:
            fut = self._inflight.get(key)
            owner = fut is None
            if owner:
                fut = Future()
                self._inflight[key] = fut
                self.misses += 1
            else:
                self.shared += 1
        assert fut is not None
        if not owner:
            return fut.result(), False
        try:
            value = compute()
        except BaseException as exc:
            fut.set_exception(exc)
            with self._lock:
                self._inflight.pop(key, None)
            raise
        if keep is None or keep(value):
            self.put(key, value)
        fut.set_result(value)
        with self._lock:
            self._inflight.pop(key, None)
        return value, False
