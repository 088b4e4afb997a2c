"""In-process events: who wants to know when something happened.

"data_refreshed" {"tables": [...], "reason": "import" | "refresh" | "dataset" | "demo"} is emitted
after warehouse tables change; dataset materializations and alert checks subscribe to it.
"cache_invalidated" {} is emitted when the result cache was invalidated, by this instance or, with
SHUZHI_REDIS_URL, by another one (engines/redis_cache.py): process-local caches of answers drop theirs.

Invariants
- emit() calls subscribers in subscription order, in the emitting thread; a subscriber that
  raises is logged and does not stop the others or the emitter.
- Subscribers must be quick or hand their work to rt.jobs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from shuzhi.log import get_logger

log = get_logger(__name__)

Handler = Callable[[dict[str, Any]], None]


class Events:
    def __init__(self) -> None:
        self._subs: dict[str, list[Handler]] = {}
        self._lock = threading.Lock()

    def subscribe(self, name: str, fn: Handler) -> None:
        with self._lock:
            self._subs.setdefault(name, []).append(fn)

    def unsubscribe(self, name: str, fn: Handler) -> None:
        with self._lock:
            if fn in self._subs.get(name, []):
                self._subs[name].remove(fn)

    def emit(self, name: str, payload: dict[str, Any]) -> None:
        with self._lock:
            subs = list(self._subs.get(name, []))
        for fn in subs:
            try:
                fn(payload)
            except Exception:  # noqa: BLE001 - one subscriber must not break the others
                log.exception("event_subscriber_failed", event_name=name, subscriber=getattr(fn, "__qualname__", "?"))
