"""The result cache shared through Redis (engines/redis_cache.py): two caches on one prefix stand for
two instances. Shared entries, invalidation reaching the other, signed values, the size cap, the TTL,
and failing closed when Redis cannot be reached."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyarrow as pa
import pytest
import redis
from instances import REDIS_URL

from shuzhi.engines.redis_cache import RedisResultCache
from shuzhi.errors import ShuzhiError
from shuzhi_testing import free_port

pytestmark = pytest.mark.redis
KEY = b"k" * 32


def make(prefix: str, key: bytes = KEY, url: str = REDIS_URL, **kw) -> RedisResultCache:  # type: ignore[no-untyped-def]
    args = {"ttl_s": 60, "max_value_bytes": 1 << 20, "max_bytes": 1 << 24, **kw}
    return RedisResultCache(url, prefix=prefix, sign_key=key, **args)


@pytest.fixture
def pair(redis_prefix: str) -> Iterator[tuple[RedisResultCache, RedisResultCache]]:
    a, b = make(redis_prefix), make(redis_prefix)
    yield a, b
    a.close()
    b.close()


def until(cond, timeout_s: float = 3.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def test_an_entry_computed_in_one_instance_is_served_by_the_other(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    table = pa.table({"region": ["华东", "华南"], "revenue": [1.5, 2.5]})
    calls = []
    assert a.get_or_compute("q1", lambda: calls.append(1) or table) == (table, False)
    value, cached = b.get_or_compute("q1", lambda: calls.append(2) or table)
    assert cached and value.equals(table) and calls == [1] and b.remote_hits == 1
    assert b.get_or_compute("q1", lambda: None)[1] and b.remote_hits == 1  # now from b's own LRU
    assert a.generation == b.generation


def test_an_invalidation_in_one_instance_drops_the_entries_of_every_instance(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    events = []
    b._on_invalidated = lambda: events.append("b")
    a.get_or_compute("q", lambda: "old")
    assert b.get_or_compute("q", lambda: "never") == ("old", True)
    before = b.generation
    a.invalidate()
    assert until(lambda: b.generation != before) and events == ["b"]
    assert a.generation == b.generation
    assert b.get_or_compute("q", lambda: "new") == ("new", False)
    assert a.get_or_compute("q", lambda: "never") == ("new", True)


def test_an_invalidation_during_a_lost_subscription_is_applied_on_reconnecting(pair, redis_prefix: str) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    a.get_or_compute("q", lambda: "old")
    assert b.get_or_compute("q", lambda: "never") == ("old", True)
    r = redis.Redis.from_url(REDIS_URL)
    r.publish("unrelated", "x")
    ours = [c["id"] for c in r.client_list(_type="pubsub") if c.get("name") == f"{redis_prefix}:cache"]
    assert len(ours) == 2
    r.client_kill_filter(_id=ours[1])  # one instance's subscription drops (a network cut, a Redis failover)
    r.client_kill_filter(_id=ours[0])
    a.invalidate()  # published while (at least) one of them was not listening
    # each notices its dead subscription at its next read (within a second), subscribes again and takes
    # the generation from the key
    assert until(lambda: a.is_shared and b.is_shared and a.generation == b.generation, 10)
    assert b.get_or_compute("q", lambda: "new") == ("new", False)
    r.close()


def test_a_value_signed_with_another_key_is_a_miss(redis_prefix: str) -> None:
    a, stranger = make(redis_prefix), make(redis_prefix, key=b"x" * 32)
    a.get_or_compute("q", lambda: "mine")
    assert stranger.get_or_compute("q", lambda: "recomputed") == ("recomputed", False)
    # bytes written to Redis by someone else are never unpickled
    r = redis.Redis.from_url(REDIS_URL)
    r.set(a._rkey(f"{a._remote_gen}:q2"), b"\0" * 32 + b"cos\nsystem\n(S'true'\ntR.")
    assert a.get_or_compute("q2", lambda: "safe") == ("safe", False)
    r.close()
    a.close()
    stranger.close()


def test_large_values_stay_local_and_values_expire(redis_prefix: str) -> None:
    a, b = make(redis_prefix, max_value_bytes=1000, ttl_s=1), make(redis_prefix)
    a.get_or_compute("big", lambda: "x" * 5000)
    assert b.get_or_compute("big", lambda: "b's own") == ("b's own", False)
    a.get_or_compute("small", lambda: "s")
    r = redis.Redis.from_url(REDIS_URL)
    assert 0 < r.ttl(a._rkey(f"{a._remote_gen}:small")) <= 1
    r.close()
    a.close()
    b.close()


def test_without_redis_the_cache_fails_closed_and_queries_still_run() -> None:
    c = make("shuzhi_multi_down", url=f"redis://127.0.0.1:{free_port()}/0")
    assert not c.is_shared
    assert c.get_or_compute("q", lambda: 1) == (1, False)
    assert c.get_or_compute("q", lambda: 2) == (2, False)  # nothing kept: an invalidation may be missed
    assert c.generation != c.generation  # unique per call: no cache keyed by it can hit
    c.invalidate()  # logged, not raised
    c.close()


def test_a_bad_redis_url_is_a_bilingual_error() -> None:
    with pytest.raises(ShuzhiError) as ei:
        make("p", url="http://127.0.0.1:6379")
    assert ei.value.code == "redis_url_invalid" and "SHUZHI_REDIS_URL" in ei.value.zh


def test_an_increment_whose_publish_was_lost_is_still_applied(redis_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from shuzhi.engines import redis_cache

    monkeypatch.setattr(redis_cache, "_RECHECK_S", 0.2)
    b = make(redis_prefix)
    before = b.generation
    r = redis.Redis.from_url(REDIS_URL)
    r.incr(f"{redis_prefix}:cache:gen")  # an instance incremented, then lost Redis before publishing
    assert until(lambda: b.generation != before, 3)
    r.close()
    b.close()
