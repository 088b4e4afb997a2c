"""A read-only word → integer table in a SQLite file, read one word at a time: the copy of jieba's
dictionary that a one-question process (`shuzhi ask`) looks words up in instead of loading
500,000 of them (ai.nl.tokenizer, service.ask_lexicon).

Invariants
- write() builds the whole table in a temporary file of the same folder (mode 0600) and renames it:
  a reader never opens half a table. It returns False (and leaves nothing behind) when the folder
  cannot be written.
- WordTable is a read-only Mapping: a word's value is read once and remembered; a missing word raises
  KeyError like a dict; `total` is the number stored with the table. Safe to share between threads.
- Words are bound parameters, never SQL text.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

_MISSING = object()


class WordTable(Mapping[str, int]):
    def __init__(self, path: Path) -> None:
        """Open a table write() made; sqlite3.Error when it is not one."""
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._seen: dict[str, int | None] = {}
        with self._lock:
            total, n = self._con.execute("SELECT total, n FROM meta").fetchone()
        self.total, self._len = int(total), int(n)

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


def open_table(path: Path) -> WordTable | None:
    """The table at `path`, or None when there is none or it does not read as one."""
    if not path.is_file():
        return None
    try:
        return WordTable(path)
    except sqlite3.Error:
        return None


def write(path: Path, words: Mapping[str, int], total: int) -> bool:
    """Store `words` and `total` at `path` (see the module invariants); whether it was written."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".words-", suffix=".tmp")
        os.close(fd)
        con = sqlite3.connect(tmp)
        try:
            con.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
            con.execute("CREATE TABLE meta (total INTEGER NOT NULL, n INTEGER NOT NULL)")
            con.executemany("INSERT INTO freq VALUES (?, ?)", words.items())
            con.execute("INSERT INTO meta VALUES (?, ?)", (total, len(words)))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
        tmp = None
        return True
    except (OSError, sqlite3.Error):
        return False
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
