"""The result cache shared by several instances (SHUZHI_REDIS_URL): an in-process LRU in front of Redis.

    RedisResultCache(url, prefix=..., ttl_s=..., max_value_bytes=..., sign_key=..., max_bytes=..., size_of=...)

Two levels: get() looks in this process's LRU (engines/cache.py), then in Redis; a Redis hit is kept
in the LRU; put() writes both (a value larger than `max_value_bytes` once serialized stays local).
Values are pickled and signed (HMAC-SHA256 with a key derived from SHUZHI_SECRET_KEY, which the
instances share): a value that does not verify is a miss, so whoever can write to Redis still
cannot make an instance unpickle their bytes. Every Redis value has a TTL (`ttl_s`).

Invalidation: invalidate() (rt.data_refreshed in any instance) increments `<prefix>:cache:gen` and
publishes the new number on `<prefix>:cache:invalidate`; every instance listens on that channel in a
daemon thread, drops its LRU and takes the new generation. Keys carry the generation, so a result
computed before an invalidation is never read after it, in Redis or in a process.

Invariants
- Fail closed: while this process is not subscribed (Redis down, a reconnect under way) it caches
  nothing and `generation` is unique per call, so no stale local entry is served during a gap in
  which an invalidation may have been missed. After (re)subscribing it reads the generation key, so
  an invalidation published during the gap is applied before caching resumes. A lost subscription is
  noticed at once when its connection closes, within ~10 s (health checks) when the network silently
  drops it: that is the longest an instance may serve an entry another instance invalidated. The
  subscriber also reads the generation key every few seconds (an increment whose publish failed).
- A Redis error never fails a query: the operation is a miss, and Redis is left alone for a few
  seconds (no 2-second connect timeout per query while it is down).
- Single-flight stays per process (identical concurrent queries in one instance run once).
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.exceptions import RedisError

from shuzhi.engines.cache import ResultCache
from shuzhi.errors import ShuzhiError
from shuzhi.log import get_logger

T = TypeVar("T")
log = get_logger(__name__)

_PAUSE_S = 5.0  # after a Redis error, how long the cache leaves Redis alone
_SIG = 32  # bytes of the HMAC-SHA256 in front of every value
_RECHECK_S = 5.0  # the subscriber also reads the generation key this often


class RedisResultCache(ResultCache):
    def __init__(self, url: str, *, prefix: str, ttl_s: int, max_value_bytes: int, sign_key: bytes,
                 max_bytes: int = 256 * 1024 * 1024, size_of: Callable[[Any], int] | None = None,
                 on_invalidated: Callable[[], None] | None = None) -> None:
        super().__init__(max_bytes, size_of)
        try:
            # health checks: a subscription whose connection silently died is noticed within ~10 s
            self._redis = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0,
                                               health_check_interval=10, client_name=f"{prefix}:cache")
        except ValueError as exc:
            raise ShuzhiError("redis_url_invalid", f"SHUZHI_REDIS_URL 不是有效的 Redis 地址（例如 redis://host:6379/0）：{exc}",
                              f"SHUZHI_REDIS_URL is not a valid Redis URL (e.g. redis://host:6379/0): {exc}") from None
        self.prefix = prefix
        self.ttl_s = ttl_s
        self.max_value_bytes = max_value_bytes
        self._sign_key = sign_key
        self._gen_key = f"{prefix}:cache:gen"
        self._channel = f"{prefix}:cache:invalidate"
        self._on_invalidated = on_invalidated
        self._remote_gen = -1
        self._gen_lock = threading.Lock()
        self._subscribed = threading.Event()
        self._stop = threading.Event()
        self._paused_until = 0.0
        self.remote_hits = 0
        self._thread = threading.Thread(target=self._listen, name="shuzhi-cache-invalidations", daemon=True)
        self._thread.start()
        self._subscribed.wait(2.0)  # usually subscribed at once; if not, the cache starts closed

    # -- generation and invalidation ------------------------------------------------------
    @property
    def generation(self) -> str:
        if not self._subscribed.is_set():
            return f"unshared-{time.time_ns()}"  # fail closed: never equal twice
        return f"{self._remote_gen}.{self._generation}"

    @property
    def is_shared(self) -> bool:
        """Whether this process is subscribed to invalidations (and so caches)."""
        return self._subscribed.is_set()

    def invalidate(self) -> None:
        try:
            gen = int(self._redis.incr(self._gen_key))
            self._redis.publish(self._channel, str(gen))
        except RedisError as exc:
            # The others will learn it when they (re)subscribe, or their entries expire (ttl_s).
            log.warning("cache_invalidation_not_published", error=str(exc)[:200])
            self._pause()
            super().invalidate()  # this process at least moves on (its keys part from the others')
        else:
            self._apply(gen)

    def _apply(self, gen: int) -> None:
        """Take generation `gen` (from the channel, the key, or our own INCR). Generations only move
        forward (a late message never brings an old one back), except after a lost subscription,
        when whatever the key says is taken (Redis may have restarted and counted again from 0)."""
        with self._gen_lock:
            if gen <= self._remote_gen:
                return
            self._remote_gen = gen
        self.clear()
        if self._on_invalidated is not None:
            try:
                self._on_invalidated()
            except Exception:  # noqa: BLE001 - a listener must not stop the subscription
                log.exception("cache_invalidated_listener_failed")

    def _listen(self) -> None:
        while not self._stop.is_set():
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self._channel)
                # Subscribed first, then read: no invalidation falls between the two.
                self._apply(int(self._redis.get(self._gen_key) or 0))
                if not self._subscribed.is_set():
                    log.info("cache_shared", prefix=self.prefix)
                self._subscribed.set()
                checked = time.monotonic()
                while not self._stop.is_set():
                    msg = pubsub.get_message(timeout=1.0)
                    if msg is not None and msg.get("type") == "message":
                        self._apply(int(msg["data"]))
                    if time.monotonic() - checked > _RECHECK_S:  # an INCR whose PUBLISH failed
                        self._apply(int(self._redis.get(self._gen_key) or 0))
                        checked = time.monotonic()
            except (RedisError, OSError, ValueError) as exc:
                if self._subscribed.is_set() or self._remote_gen == -1:
                    log.warning("cache_unshared", error=str(exc)[:200])  # once per outage
                self._subscribed.clear()
                self.clear()
                with self._gen_lock:
                    self._remote_gen = -2  # unknown: take the generation read at the next subscription
                self._stop.wait(1.0)
            finally:
                try:
                    pubsub.close()
                except (RedisError, OSError):
                    pass

    # -- the two levels ---------------------------------------------------------------------
    def get_or_compute(self, key: str, compute: Callable[[], T],
                       keep: Callable[[T], bool] | None = None) -> tuple[T, bool]:
        if not self._subscribed.is_set():
            return compute(), False
        return super().get_or_compute(f"{self._remote_gen}:{key}", compute, keep)

    def get(self, key: str) -> Any | None:
        hit = super().get(key)
        if hit is not None or not self._subscribed.is_set() or self._paused():
            return hit
        try:
            raw = self._redis.get(self._rkey(key))
        except RedisError:
            self._pause()
            return None
        value = self._decode(raw) if raw else None
        if value is None:
            return None
        ResultCache.put(self, key, value)
        self.remote_hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        super().put(key, value)
        if not self._subscribed.is_set() or self._paused():
            return
        data = pickle.dumps(value, protocol=5)
        if len(data) + _SIG > self.max_value_bytes:
            return
        try:
            self._redis.set(self._rkey(key), hmac.new(self._sign_key, data, hashlib.sha256).digest() + data,
                            ex=self.ttl_s)
        except RedisError:
            self._pause()

    def _decode(self, raw: bytes) -> Any | None:
        sig, data = raw[:_SIG], raw[_SIG:]
        if not hmac.compare_digest(sig, hmac.new(self._sign_key, data, hashlib.sha256).digest()):
            log.warning("cache_value_rejected", reason="signature")  # another key, or not written by Shuzhi
            return None
        try:
            return pickle.loads(data)  # noqa: S301 - signed by an instance of this deployment (above)
        except Exception:  # noqa: BLE001 - another version's classes: a miss
            return None

    def _rkey(self, key: str) -> str:
        return f"{self.prefix}:cache:r:{key}"

    def _pause(self) -> None:
        self._paused_until = time.monotonic() + _PAUSE_S

    def _paused(self) -> bool:
        return time.monotonic() < self._paused_until

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)
        self._redis.close()
