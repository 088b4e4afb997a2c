"""Splitting a delimited text file into records at physical lines: the exact path for files with bad rows.

DuckDB's CSV reader is fast but, after a structural error (an unterminated quote, an over-long
line), it may resume reading somewhere else than the next line and lose good rows without saying
so. When an import finds any bad row, the file is read again here, record by record:

- A record starts at a physical line and is complete when its quoting closes (a quoted field may
  span lines). Physical lines are split at b"\\n" (a preceding b"\\r" belongs to the terminator);
  line numbers are 1-based and count every line of the file, title lines and the header included.
- A record is good when it is valid UTF-8, at most `max_bytes` long, its quoting is well formed and
  it has exactly `columns` fields. Anything else rejects ONLY its first physical line, and reading
  restarts at the next physical line: an unterminated quote can never swallow the rows after it.
- Empty lines are skipped (as DuckDB does); a line of blanks is a record with one field; a carriage
  return inside an unquoted record (not before its b"\n") makes it bad (DuckDB would split there).
- Good records are written unchanged to `dest`, each prefixed with its line number and the
  delimiter, one per line, so DuckDB can read `dest` (which has no structural errors left) with
  the chosen column types and every type error still names its true line.

Quoting follows DuckDB's reader: a field is quoted when its first non-blank character is the quote;
inside, a doubled quote is a literal quote; after the closing quote only blanks, then the delimiter
or the end of the record, may follow. A quote inside an unquoted field is a literal character.
Memory stays bounded: one record (≤ max_bytes) plus the lines looked ahead for it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from shuzhi.errors import ShuzhiError

MAX_RECORD_BYTES = 2_000_000  # DuckDB's default max_line_size: longer records are bad rows everywhere
_OK, _OPEN, _BAD = 0, 1, 2


@dataclass
class Reject:
    line: int  # physical line in the file, 1-based, header and title lines counted
    error: str  # MISSING COLUMNS | TOO MANY COLUMNS | UNQUOTED VALUE | LINE SIZE OVER MAXIMUM | INVALID UNICODE
    message: str
    text: str  # the line as it is in the file (terminator removed; undecodable bytes replaced)


@dataclass
class Split:
    records: int = 0  # good records written to dest
    rejects: list[Reject] = field(default_factory=list)


def _strip(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith(b"\n") else line


def _scan(s: bytes, pos: int, fields: int, in_quote: bool, d: bytes, q: bytes) -> tuple[int, int, int]:
    """Continue scanning record bytes `s` (no terminator) at `pos`: (_OK, fields, _) when complete,
    (_OPEN, fields, resume_pos) when a quoted field is still open at the end, (_BAD, ...) otherwise."""
    n = len(s)
    blanks = b" \t".replace(d, b"")
    while True:
        if not in_quote:
            k = pos
            while k < n and s[k:k + 1] in blanks:
                k += 1
            if k < n and s[k:k + 1] == q:
                in_quote, pos = True, k + 1
            else:
                j = s.find(d, pos)
                if j < 0:
                    return _OK, fields + 1, n
                fields, pos = fields + 1, j + 1
                continue
        # inside a quoted field: find its closing quote ("" is a literal quote)
        while True:
            j = s.find(q, pos)
            if j < 0:
                return _OPEN, fields, n
            if s[j + 1:j + 2] == q:
                pos = j + 2
                continue
            pos = j + 1
            break
        in_quote = False
        while pos < n and s[pos:pos + 1] in blanks:
            pos += 1
        if pos >= n:
            return _OK, fields + 1, n
        if s[pos:pos + 1] != d:
            return _BAD, fields, pos
        fields, pos = fields + 1, pos + 1


BLOCK = 1024 * 1024  # small: a quote sends only its own block (and the lines a record spans) the slow way


def _blocks(path: Path) -> Iterator[tuple[int, list[bytes], bool]]:
    """(number of the first line, the lines without their newline, whether any holds a quote) per
    ~BLOCK bytes. Lines end at b"\n"; in a file whose first block has a b"\r" but no b"\n" (old Mac
    "CSV"), at b"\r"."""
    no, carry, sep = 1, b"", b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(BLOCK)
            data = carry + chunk
            if no == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            if not sep:
                sep = b"\r" if b"\n" not in data and b"\r" in data else b"\n"
            if not chunk:
                if data:
                    yield no, [data], b'"' in data
                return
            cut = data.rfind(sep)
            if cut < 0:
                carry = data
                continue
            carry = data[cut + 1:]
            lines = data[:cut].split(sep)
            yield no, lines, b'"' in data[:cut]
            no += len(lines)


class _Splitter:
    """The state of one split: the output, the rejects, and lines waiting for a record to complete."""

    def __init__(self, fout: BinaryIO, d: bytes, q: bytes, columns: int, skip_lines: int, has_header: bool,
                 max_bytes: int) -> None:
        self.fout, self.d, self.q, self.columns, self.max_bytes = fout, d, q, columns, max_bytes
        self.skip_lines, self.header_pending = skip_lines, has_header
        self.pending: deque[tuple[int, bytes]] = deque()  # (line number, line without b"\n")
        self.out = Split()

    def fast(self, start: int, lines: list[bytes]) -> bool:
        """Take a block without quotes (so every record is one line) at C speed; False when the block
        needs the line-by-line path (lines are pending, or title / header lines are in it)."""
        if self.pending or self.header_pending or start <= self.skip_lines:
            return False
        if any(b"\r" in ln for ln in lines):
            lines = [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]
        want, d = self.columns - 1, self.d
        counts = [ln.count(d) for ln in lines]
        clean = counts.count(want) == len(counts) and (want > 0 or all(lines)) \
            and max(map(len, lines), default=0) <= self.max_bytes
        if clean:
            joined = b"\n".join(lines)
            try:
                joined.decode("utf-8")
            except UnicodeDecodeError:
                clean = False
            clean = clean and b"\r" not in joined
        numbered = zip(range(start, start + len(lines)), lines, strict=True)
        if clean:
            self.fout.write(b"".join([b"%d%s%s\n" % (no, d, ln) for no, ln in numbered]))
            self.out.records += len(lines)
            return True
        good = []
        for no, ln in numbered:
            if not ln:
                continue
            error = _check(_OK, ln.count(d) + 1, self.columns, ln, self.max_bytes)
            if error is None:
                good.append(b"%d%s%s\n" % (no, d, ln))
            else:
                self.out.rejects.append(Reject(no, error[0], error[1], ln.decode("utf-8", errors="replace")))
        self.fout.write(b"".join(good))
        self.out.records += len(good)
        return True

    def drain(self, eof: bool) -> None:
        """Take records from the pending lines while each can be decided (all of them at the end of the file)."""
        pending, d, q = self.pending, self.d, self.q
        while pending:
            no, line = pending[0]
            body = line[:-1] if line.endswith(b"\r") else line
            if no <= self.skip_lines or not body:  # a title line above the header, or an empty line
                pending.popleft()
                continue
            used = 1
            if q not in body:
                status, fields = _OK, body.count(d) + 1
            else:
                status, fields, _ = _scan(body, 0, 0, False, d, q)
                size = len(line)
                while status == _OPEN and size <= self.max_bytes and used < len(pending):
                    nxt = pending[used][1]
                    used += 1
                    size += len(nxt) + 1
                    # the quoted field is open at the start of this line: scan only this line
                    status, fields, _ = _scan(nxt[:-1] if nxt.endswith(b"\r") else nxt, 0, fields, True, d, q)
                if status == _OPEN and size <= self.max_bytes and not eof:
                    return  # the record may close in lines not read yet
            if used > 1:
                last = pending[used - 1][1]
                record = b"\n".join([pending[i][1] for i in range(used - 1)] +
                                     [last[:-1] if last.endswith(b"\r") else last])
            else:
                record = body
            error = _check(status, fields, self.columns, record, self.max_bytes)
            if error is not None:
                used = 1  # reject this physical line alone; the lines it looked ahead at are read again
            for _ in range(used):
                pending.popleft()
            if self.header_pending:  # the header is skipped as DuckDB skips it, well formed or not
                self.header_pending = False
            elif error is None:
                self.fout.write(b"%d%s%s\n" % (no, d, record))
                self.out.records += 1
            else:
                self.out.rejects.append(Reject(no, error[0], error[1], body.decode("utf-8", errors="replace")))


def split_records(src: Path, dest: Path, *, delimiter: str, quote: str = '"', skip_lines: int = 0,
                  has_header: bool = True, columns: int, max_bytes: int = MAX_RECORD_BYTES,
                  cancelled: Callable[[], bool] | None = None, max_lines: int | None = None) -> Split:
    """Write the good records of UTF-8 `src` to `dest` (prefixed with their line numbers); return the
    count and the rejected lines (see the module doc). max_lines: stop after about that many lines
    (a sample, for type inference)."""
    q = (quote or '"').encode()
    with open(dest, "wb") as fout:
        sp = _Splitter(fout, delimiter.encode(), q, columns, skip_lines, has_header, max_bytes)
        for start, lines, quoted in _blocks(src):
            if max_lines is not None and start > max_lines:
                break
            if cancelled is not None and cancelled():
                raise ShuzhiError("import_cancelled", "导入已取消，原有数据保持不变。",
                                  "The import was cancelled; the existing data is unchanged.", 499)
            if not quoted and sp.fast(start, lines):
                continue
            sp.pending.extend(zip(range(start, start + len(lines)), lines, strict=True))
            sp.drain(eof=False)
        sp.drain(eof=True)
    return sp.out


def _check(status: int, fields: int, columns: int, record: bytes, max_bytes: int) -> tuple[str, str] | None:
    if status == _OPEN:
        return "UNQUOTED VALUE", "Value with unterminated quote found."
    if len(record) > max_bytes:
        return "LINE SIZE OVER MAXIMUM", f"Maximum line size of {max_bytes} bytes exceeded."
    if status == _BAD:
        return "UNQUOTED VALUE", "A quoted value is followed by text before the next delimiter."
    if b"\r" in record and b'"' not in record:
        return "UNQUOTED VALUE", "A carriage return (CR) inside an unquoted value."
    if fields < columns:
        return "MISSING COLUMNS", f"Expected Number of Columns: {columns} Found: {fields}"
    if fields > columns:
        return "TOO MANY COLUMNS", f"Expected Number of Columns: {columns} Found: {fields}"
    try:
        record.decode("utf-8")
    except UnicodeDecodeError:
        return "INVALID UNICODE", "The record is not valid UTF-8."
    return None
