"""jieba tokenizers over one shared copy of jieba's general dictionary.

Invariants
- jieba's general dictionary (≈ 500,000 prefixes) is read once per process, from jieba's own cache
  file (jieba writes it on first use): the file is read whole and unmarshalled in one call, which is
  about three times faster than jieba's `marshal.load` from the open file. Without the cache file,
  jieba builds the dictionary (and writes its cache) as it always does.
- A process that answers one question (`shuzhi ask`) may look words up instead of loading them all
  (`look_up_from(lookup, store)`, given by the service layer: engines.word_table, a read-only SQLite
  copy written once by the first such process, which loads the dictionary as usual); the same words
  give the same frequencies, so the same segmentation.
- A lexicon's tokenizer is a plain `jieba.Tokenizer` whose `FREQ` is a ChainMap: its own words
  (`add_word`) first, the shared dictionary behind it, never written. So lexicons share the
  dictionary instead of holding a copy each, and a tokenizer is described by its own words and total
  alone (`own_words`, `restore`: the lexicon cache on disk stores only those).
"""

from __future__ import annotations

import gc
import logging
import marshal
import os
import sys
import tempfile
import threading
from collections import ChainMap
from collections.abc import Callable, Mapping
from typing import Any


def _import_jieba() -> Any:
    """jieba, imported without pkg_resources: jieba's _compat imports it only to open its own data
    files and falls back to a plain open() without it; importing pkg_resources scans every installed
    distribution (≈ 0.3 s of a CLI question). Another module's pkg_resources is left as it is."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # an import of it now raises ImportError
    try:
        import jieba
    finally:
        if sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()
jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_base: tuple[Mapping[str, int], int] | None = None


def _cache_file() -> str:
    """Where jieba keeps its general dictionary's cache (jieba.Tokenizer.initialize, default dictionary)."""
    return os.path.join(tempfile.gettempdir(), "jieba.cache")


def _read_cache() -> tuple[dict[str, int], int] | None:
    try:
        with open(_cache_file(), "rb") as f:
            data = f.read()
    except OSError:
        return None
    enabled = gc.isenabled()
    gc.disable()  # half a million new objects: no collection passes while they are made
    try:
        freq, total = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    finally:
        if enabled:
            gc.enable()
    if not isinstance(freq, dict) or not isinstance(total, int) or not freq:
        return None
    return freq, total


Lookup = Callable[[], "tuple[Mapping[str, int], int] | None"]
Store = Callable[[Mapping[str, int], int], None]
_lookup: tuple[Lookup, Store] | None = None


def look_up_from(lookup: Lookup, store: Store) -> None:
    """From now on (unless the dictionary is loaded already), the dictionary is what `lookup()` gives
    (a Mapping read word by word, and its total); when it gives None, the dictionary is loaded as usual
    and handed to `store(words, total)` so that the next process can look it up (see the module
    invariants): for a process that answers one question. The caller owns the storage (this layer
    runs no SQL)."""
    global _lookup
    _lookup = (lookup, store)


def dictionary_name() -> str:
    """A name that changes with jieba's general dictionary (jieba-<version>-<dictionary size>)."""
    size = os.path.getsize(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"))
    return f"jieba-{jieba.__version__}-{size}"


def _load() -> tuple[Mapping[str, int], int]:
    if _lookup is not None:
        found = _lookup[0]()
        if found is not None:
            return found
    loaded = _read_cache()
    if loaded is None:
        tok = jieba.Tokenizer()
        tok.initialize()  # builds the dictionary and writes jieba's cache file
        loaded = (tok.FREQ, tok.total)
    if _lookup is not None:
        _lookup[1](*loaded)
    return loaded


def base_dictionary() -> tuple[Mapping[str, int], int]:
    """jieba's general dictionary (prefix → frequency, total), read once per process; never modify it."""
    global _base
    if _base is None:
        with _lock:
            if _base is None:
                _base = _load()
    return _base


def new_tokenizer() -> Any:
    """An initialised jieba tokenizer over the shared dictionary; add_word() writes to its own layer."""
    return restore({}, None)


def own_words(tok: Any) -> tuple[dict[str, int], int]:
    """The words a tokenizer added over the shared dictionary (prefixes included) and its total."""
    return dict(tok.FREQ.maps[0]), tok.total


def restore(words: dict[str, int], total: int | None) -> Any:
    """A tokenizer with `words` over the shared dictionary (as own_words() described it)."""
    freq, base_total = base_dictionary()
    tok = jieba.Tokenizer()
    tok.FREQ = ChainMap(dict(words), freq)
    tok.total = base_total if total is None else total
    tok.initialized = True
    return tok
