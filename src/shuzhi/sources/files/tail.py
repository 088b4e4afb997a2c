"""The end of a delimited text file: totals and notes lines below the data, and a copy without them.

Invariants
- Only the last TAIL_BYTES of the file are read to find the lines below the data (header.split_footer on
  them); their line numbers need the file's line count, one pass counting newline bytes, done only
  when such lines exist. UTF-16 files are looked at only when they fit in the detection sample.
- copy_lines writes the first N lines of a UTF-8 (or other ASCII-compatible) file unchanged, so line
  numbers in reports still refer to the user's file; the reader is given that copy when the file has
  lines to leave out below the data (DuckDB's reader has no "skip footer").
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shuzhi.sources.files.header import split_footer

TAIL_BYTES = 64 * 1024
TAIL_LINES = 200
CHUNK = 4 * 1024 * 1024


@dataclass
class Footer:
    keep_lines: int | None = None  # lines of the file to read (None: all of them)
    totals: list[int] = field(default_factory=list)  # 1-based lines of 合计 rows below the data
    notes: list[int] = field(default_factory=list)  # 1-based lines of notes below the data
    nonempty: int = 0  # non-empty lines among those left out (for the data-row count)


def _tail_text(path: Path, encoding: str, sample_is_whole: bool, sample: str) -> tuple[str, bool] | None:
    """(the last part of the file as text, whether it is the whole file), or None when it cannot be read."""
    if sample_is_whole:
        return sample, True
    if encoding.startswith(("utf-16", "utf-32")):
        return None
    size = path.stat().st_size
    with open(path, "rb") as f:
        f.seek(max(size - TAIL_BYTES, 0))
        raw = f.read()
    text = codecs.decode(raw, encoding.replace("-sig", ""), errors="replace")
    return text.split("\n", 1)[1] if "\n" in text else "", False  # the first line may be cut


def _count_lines(path: Path) -> int:
    n, last = 0, b""
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (1 if last and last != b"\n" else 0)


def find_footer(path: Path, encoding: str, sample: str, sample_is_whole: bool, split: Any, data_start: int,
                width: int, keep_totals: bool) -> Footer:
    """Lines below the data of the file at `path`. `split(lines)` parses text lines into rows of cells;
    data_start is the 0-based line where the data begins (only used when the tail is the whole file)."""
    got = _tail_text(path, encoding, sample_is_whole, sample)
    if got is None:
        return Footer()
    text, whole = got
    lines = text.splitlines()
    if not whole:
        lines = lines[-TAIL_LINES:]
    rows = split(lines)
    if len(rows) != len(lines):  # quoted fields spanning lines: the tail cannot be numbered by line
        return Footer()
    start = data_start if whole else 0
    end, totals, notes = split_footer(rows, start, width)
    if end == len(rows):
        return Footer()
    total = len(lines) if whole else _count_lines(path)
    first = total - len(rows) + 1  # the line number of rows[0]
    cut = end
    if keep_totals and totals:
        cut = max(cut, totals[-1] + 1)
    return Footer(keep_lines=first + cut - 1, totals=[first + i for i in totals], notes=[first + i for i in notes],
                  nonempty=sum(1 for ln in lines[cut:] if ln.strip("\r")))


def copy_lines(src: Path, dest: Path, lines: int) -> None:
    """Copy the first `lines` lines of `src` (newline bytes b"\\n") to `dest`, streaming."""
    left = lines
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while left > 0 and (chunk := fin.read(CHUNK)):
            n = chunk.count(b"\n")
            if n < left:
                fout.write(chunk)
                left -= n
                continue
            pos = -1
            for _ in range(left):
                pos = chunk.index(b"\n", pos + 1)
            fout.write(chunk[:pos + 1])
            left = 0
