"""jieba tokenizers over one shared copy of jieba's general dictionary.

Invariants
- jieba's general dictionary (≈ 500,000 prefixes) is read once per process, from jieba's own cache
  file (jieba writes it on first use): the file is read whole and unmarshalled in one call, which is
  about three times faster than jieba's `marshal.load` from the open file. Without the cache file,
  jieba builds the dictionary (and writes its cache) as it always does.
- A process that answers one question (`shuzhi ask`) may look words up instead of loading them all
  (`look_up_from(folder)`): the dictionary is then a read-only SQLite table in `folder`
  (jieba-<version>-<dictionary size>.sqlite, written once — to a temporary file, then renamed — by the
  first such process, which loads the dictionary as usual), read word by word and remembered; the
  same words give the same frequencies, so the same segmentation.
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
import sqlite3
import sys
import tempfile
import threading
from collections import ChainMap
from collections.abc import Iterator, Mapping
from pathlib import Path
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
_lookup_folder: Path | None = None
_MISSING = object()


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


class _LookedUp(Mapping[str, int]):
    """jieba's dictionary in a read-only SQLite table, read one word at a time (and remembered)."""

    def __init__(self, path: Path) -> None:
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._seen: dict[str, int | None] = {}
        with self._lock:
            self.total = int(self._con.execute("SELECT total FROM meta").fetchone()[0])
            self._len = int(self._con.execute("SELECT n FROM meta").fetchone()[0])

    def __getitem__(self, word: str) -> int:
        f = self._seen.get(word, _MISSING)
        if f is _MISSING:
            with self._lock:
                row = self._con.execute("SELECT f FROM freq WHERE w = ?", (word,)).fetchone()
            f = self._seen[word] = None if row is None else int(row[0])
        if f is None:
            raise KeyError(word)
        return f  # type: ignore[return-value]

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            words = [w for (w,) in self._con.execute("SELECT w FROM freq")]
        return iter(words)


def look_up_from(folder: Path) -> None:
    """From now on (unless the dictionary is loaded already), look words up in `folder` instead of
    loading the whole dictionary (see the module invariants): for a process that answers one question."""
    global _lookup_folder
    _lookup_folder = folder


def _table_path(folder: Path) -> Path:
    size = os.path.getsize(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"))
    return folder / f"jieba-{jieba.__version__}-{size}.sqlite"


def _write_table(path: Path, freq: Mapping[str, int], total: int) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-", suffix=".tmp")
        os.close(fd)
        con = sqlite3.connect(tmp)
        try:
            con.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
            con.execute("CREATE TABLE meta (total INTEGER NOT NULL, n INTEGER NOT NULL)")
            con.executemany("INSERT INTO freq VALUES (?, ?)", freq.items())
            con.execute("INSERT INTO meta VALUES (?, ?)", (total, len(freq)))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
        tmp = None
    except (OSError, sqlite3.Error):
        pass  # a read-only or full disk: the next process loads the dictionary again
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _load() -> tuple[Mapping[str, int], int]:
    if _lookup_folder is not None:
        path = _table_path(_lookup_folder)
        if path.is_file():
            try:
                table = _LookedUp(path)
                return table, table.total
            except (sqlite3.Error, TypeError, ValueError):
                pass  # unreadable: loaded below, and written again
    loaded = _read_cache()
    if loaded is None:
        tok = jieba.Tokenizer()
        tok.initialize()  # builds the dictionary and writes jieba's cache file
        loaded = (tok.FREQ, tok.total)
    if _lookup_folder is not None:
        _write_table(_table_path(_lookup_folder), *loaded)
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
