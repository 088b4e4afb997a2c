"""Delimited text files (CSV, TSV, TXT): encoding, delimiter, quoting, header row; transcoding.

Invariants
- Detection reads only a bounded sample from the start of the file (SAMPLE_BYTES), never the
  whole file, so it costs the same for 1 KB and 10 GB. count_data_rows (the preview's row count) is
  the one pass over the whole file: it counts newline bytes (about 0.3 GB/s) unless the encoding is
  UTF-16 or the sample shows quoted fields spanning lines (then it parses records, exact but slower).
- Encodings are reported by their Python codec name: utf-8, utf-8-sig (UTF-8 with BOM), gb18030
  (which also decodes every GBK and GB2312 file), utf-16 (with BOM), utf-16-le / utf-16-be.
- transcode_to_utf8 streams in fixed-size chunks through an incremental decoder: memory stays
  bounded whatever the file size, and line numbers are preserved (newlines are not touched), so
  a rejected line's number refers to the user's original file. Undecodable bytes are an error,
  never replaced silently.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shuzhi.errors import ShuzhiError
from shuzhi.sources.files.header import locate
from shuzhi.sources.files.tail import Footer, find_footer

SAMPLE_BYTES = 256 * 1024
SAMPLE_LINES = 60
TOP_LINES = 40  # first lines returned for the preview's "which line is the header" view
CHUNK = 4 * 1024 * 1024
DELIMITERS = (",", "\t", ";", "|")

_ENCODING_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf8-sig": "utf-8-sig", "utf-8-bom": "utf-8-sig",
    "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "cp936": "gb18030",
    "utf-16": "utf-16", "utf16": "utf-16", "utf-16le": "utf-16-le", "utf-16-le": "utf-16-le",
    "utf-16be": "utf-16-be", "utf-16-be": "utf-16-be", "big5": "big5", "latin-1": "latin-1", "latin1": "latin-1",
}
_NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?%?$")
_DATE = re.compile(r"^\d{4}([-/.年])\d{1,2}([-/.月])\d{1,2}日?([ T]\d{1,2}:\d{2}(:\d{2})?)?$")


@dataclass
class TextLayout:
    """How to read a delimited text file (all fields are what DuckDB's read_csv needs)."""

    encoding: str  # Python codec name (see module doc)
    delimiter: str
    quote: str  # '"' or '' (no quoting)
    header_row: int  # 1-based line of the header; 0 = no header
    has_header: bool = True
    labels: list[str] = field(default_factory=list)  # header cells (or 列1, 列2 ... without header)
    thousands: bool = False  # some column holds numbers with thousands separators ("1,234.5")
    confidence: str = "high"  # high | low (low: the sample was ambiguous; the user should check)
    multiline: bool = False  # the sample has a quoted field spanning lines
    filled_before_data: int = 0  # non-empty lines among the rows_before_data (title lines, the header)
    header_depth: int = 1  # 2: a group line above the header line ("一季度,,二季度," over "销售额,数量,...")
    footer: Footer = field(default_factory=Footer)  # 合计 and notes lines below the data (left out)
    reasons: list[str] = field(default_factory=list)  # why the confidence is low (header.judge codes)
    top: list[list[str]] = field(default_factory=list)  # the first lines as cells, for the preview

    @property
    def skip_lines(self) -> int:
        """Lines before the (last) header line (or before the data when there is no header)."""
        return max(self.header_row - 1 + (self.header_depth - 1 if self.has_header else 0), 0)

    @property
    def rows_before_data(self) -> int:
        """Lines above the first data line: title lines and the header."""
        return self.skip_lines + (1 if self.has_header else 0)


def normalize_encoding(name: str) -> str:
    key = (name or "").strip().lower().replace("_", "-")
    enc = _ENCODING_ALIASES.get(key)
    if enc is None:
        try:
            enc = codecs.lookup(key).name
        except LookupError:
            raise ShuzhiError(
                "bad_encoding",
                f"不认识的编码「{name}」，可用：utf-8、gbk、gb18030、utf-16。",
                f"Unknown encoding '{name}'; use utf-8, gbk, gb18030 or utf-16.",
            ) from None
    return enc


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file from its first bytes (BOM first, then UTF-8, then charset-normalizer)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4 and sample[1:4:2] == b"\0\0" and sample[0:4:2] != b"\0\0":
        return "utf-16-le"
    if len(sample) >= 4 and sample[0:4:2] == b"\0\0" and sample[1:4:2] != b"\0\0":
        return "utf-16-be"
    if b"\0" in sample[:8192]:
        raise not_text()
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # the sample cut a multi-byte character in half
            return "utf-8"
    try:
        sample.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise not_text()
    return normalize_encoding(best.encoding)


def not_text() -> ShuzhiError:
    return ShuzhiError(
        "not_a_text_file",
        "文件内容不是可识别的文本（可能是二进制文件或已损坏），请检查文件格式。",
        "The file content is not recognizable text (binary or damaged); check the file format.",
    )


def read_sample(path: Path, encoding: str | None) -> tuple[str, str]:
    """(encoding, decoded sample text of whole lines) from the start of the file."""
    with open(path, "rb") as f:
        raw = f.read(SAMPLE_BYTES)
    if not raw.strip():
        raise ShuzhiError("empty_file", "文件是空的，没有可导入的数据。", "The file is empty; there is nothing to import.")
    enc = normalize_encoding(encoding) if encoding else detect_encoding(raw)
    text = codecs.getincrementaldecoder(enc)(errors="replace").decode(raw, final=len(raw) < SAMPLE_BYTES)
    if "\ufffd" in text and encoding is None:
        raise ShuzhiError(
            "encoding_undetected",
            "无法确定文件编码，请用 --encoding（或导入选项中的编码）指定，例如 gbk 或 utf-8。",
            "Could not determine the file's encoding; pass it with --encoding (or the encoding option), "
            "e.g. gbk or utf-8.",
        )
    if len(raw) == SAMPLE_BYTES and "\n" in text:
        text = text[: text.rfind("\n") + 1]  # whole lines only
    return enc, text.lstrip("\ufeff")


def _split(lines: list[str], delimiter: str, quote: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter,
                        quotechar=quote or '"', quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE)
    try:
        return [row for row in reader]
    except csv.Error:
        return []


def _looks_like_value(cell: str) -> bool:
    c = cell.strip()
    return bool(_NUMBER.match(c.replace("¥", "").replace("￥", "")) or _DATE.match(c))


def sniff_layout(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
                 header_row: int | None = None, suffix: str = "", keep_totals: bool = False) -> TextLayout:
    """Detect encoding, delimiter, quoting, the header row(s) and the lines below the data of a delimited
    text file.

    The delimiter is the candidate whose field count is most consistent (and > 1) over the sample; the
    header, a two-line group header, and the 合计 / notes lines at the end are found as in Excel
    (header.locate, tail.find_footer). A header exists when most of its labels are filled and none
    looks like a number or a date (repeated and blank names are allowed, with a low confidence; the names are
    made unique later); a chosen header_row is taken as it is; header_row=0 says the file has none.
    """
    enc, text = read_sample(path, encoding)
    lines = [ln for ln in text.splitlines()][:SAMPLE_LINES]
    nonblank = [ln for ln in lines if ln.strip()]
    if not nonblank:
        raise ShuzhiError("empty_file", "文件是空的，没有可导入的数据。", "The file is empty; there is nothing to import.")
    quote = '"' if '"' in text else ""
    if delimiter is None:
        delimiter = "\t" if suffix == ".tsv" else _pick_delimiter(nonblank, quote)
    rows = _split(lines, delimiter, quote)
    widths = [len(r) for r in rows if any(c.strip() for c in r)]
    modal = Counter(widths).most_common(1)[0][0] if widths else 1
    if header_row is not None and (header_row < 0 or header_row > max(len(rows), 1)):
        raise ShuzhiError("bad_header_row", f"表头行 {header_row} 超出了文件的行数。",
                          f"Header row {header_row} is beyond the lines of the file.")
    grid = [(r + [""] * modal)[:modal] for r in rows]
    found = locate(grid, [], modal, None if not header_row else header_row - 1)
    labels = [c.strip() for c in found.labels]
    detected = header_row is not None or "no_header_found" not in found.reasons
    # A header may repeat a name (借方 金额 / 贷方 金额 exported as 金额, 金额) or leave a cell blank (a trailing
    # delimiter): names.make_identifiers de-duplicates and names blanks 列N, and header.locate has already
    # lowered the confidence with its reasons. It needs most of its cells filled and none looking like a value,
    # unless the person chose the row.
    filled = [c for c in labels if c]
    plausible = bool(grid) and 2 * len(filled) >= len(labels) and not any(_looks_like_value(c) for c in filled)
    has_header = header_row != 0 and detected and (header_row is not None or plausible)
    if header_row == 0 or not has_header:
        first_data = header_row or next((i + 1 for i, r in enumerate(rows) if any(c.strip() for c in r)), 1)
        start, labels, depth = first_data - 1, [f"列{i}" for i in range(1, modal + 1)], 1
    else:
        start, depth = found.row, found.depth
    data_from = start + (depth if has_header else 0)
    body = rows[data_from:]
    thousands = any("," in c and _NUMBER.match(c.strip()) for r in body for c in r)
    sample_whole = path.stat().st_size < SAMPLE_BYTES
    footer = find_footer(path, enc, text, sample_whole, lambda ls: _split(ls, delimiter, quote), data_from,
                         modal, keep_totals)
    inside = [len(r) for r in rows[data_from:] if any(c.strip() for c in r)]
    if footer.keep_lines is not None:
        inside = [len(r) for r in rows[data_from:footer.keep_lines] if any(c.strip() for c in r)]
    reasons = list(found.reasons) if has_header else ["no_header_found"]
    if inside and inside.count(modal) < 0.8 * len(inside):
        reasons.append("ragged_rows")
    layout = TextLayout(encoding=enc, delimiter=delimiter, quote=quote, header_row=start + 1, has_header=has_header,
                        labels=labels, thousands=thousands, confidence="low" if reasons else "high",
                        multiline=bool(quote and rows and len(rows) < len(lines)), header_depth=depth,
                        footer=footer, reasons=reasons, top=[[c.strip() for c in r] for r in rows[:TOP_LINES]])
    layout.filled_before_data = sum(1 for ln in lines[:layout.rows_before_data] if ln)
    return layout


_BLANK = re.compile(rb"(?<=\n)\r?\n")  # the newline of an empty line
_TWO_NEWLINES = re.compile(rb"\n\r?\n")  # a quick test for any empty line


def count_data_rows(path: Path, layout: TextLayout) -> int:
    """The file's data rows: its non-empty records below the title lines and the header, as the import
    reads them (empty lines are skipped). One streamed pass over the whole file (see module doc)."""
    wide = layout.encoding.startswith(("utf-16", "utf-32"))  # newline bytes are not b"\n" there
    if wide or layout.multiline:
        total = _decoded_records(path, layout)
    else:
        total = _nonempty_lines(path)
    return max(total - layout.filled_before_data - layout.footer.nonempty, 0)


def _nonempty_lines(path: Path) -> int:
    """Non-empty lines of an ASCII-compatible file (UTF-8, GB18030, ...: b"\n" is never part of a character)."""
    lines = blank = 0
    carry, last = b"\n", b""  # the start of the file behaves like the end of a line
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            if not last:
                chunk = chunk.removeprefix(codecs.BOM_UTF8)  # a BOM before an empty first line is not a line
            lines += chunk.count(b"\n")
            buf = carry + chunk
            if _TWO_NEWLINES.search(buf):  # only then can a line here be empty
                blank += sum(1 for m in _BLANK.finditer(buf) if m.end() > len(carry))
            carry, last = buf[-2:], chunk[-1:]
    if last and last != b"\n":
        lines += 1  # the last line has no newline
    return lines - blank


def _decoded_records(path: Path, layout: TextLayout) -> int:
    with open(path, encoding=layout.encoding, errors="replace", newline="") as f:
        if layout.quote:
            try:
                return sum(1 for row in csv.reader(f, delimiter=layout.delimiter, quotechar=layout.quote) if row)
            except csv.Error:  # e.g. a field beyond csv's size limit: count lines instead
                f.seek(0)
        return sum(1 for line in f if line.strip("\r\n"))


def _pick_delimiter(lines: list[str], quote: str) -> str:
    best, best_score = ",", -1.0
    for d in DELIMITERS:
        rows = _split(lines, d, quote)
        widths = [len(r) for r in rows]
        if not widths:
            continue
        modal, count = Counter(widths).most_common(1)[0]
        if modal < 2:
            continue
        score = count / len(widths) + min(modal, 50) / 1000
        if score > best_score:
            best, best_score = d, score
    return best


def needs_transcoding(encoding: str) -> bool:
    """DuckDB reads UTF-8 (with or without BOM) itself; everything else is transcoded first."""
    return encoding not in ("utf-8", "utf-8-sig")


def transcode_to_utf8(src: Path, dest: Path, encoding: str,
                      progress: Callable[[int, int], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> None:
    """Stream `src` (in `encoding`) into `dest` as UTF-8, CHUNK bytes at a time."""
    total = src.stat().st_size
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    done = 0
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while True:
            chunk = fin.read(CHUNK)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                line = _line_of(src, done + max(exc.start, 0))
                raise ShuzhiError(
                    "encoding_mismatch",
                    f"文件第 {line} 行附近有无法按 {encoding} 解码的字节；请确认编码（--encoding）是否正确。",
                    f"Bytes near line {line} cannot be decoded as {encoding}; check the encoding (--encoding).",
                    details={"line": line},
                ) from None
            if done == 0:
                text = text.lstrip("\ufeff")
            fout.write(text.encode("utf-8"))
            if final:
                break
            done += len(chunk)
            if progress:
                progress(done, total)
            if cancelled and cancelled():
                raise ShuzhiError("import_cancelled", "导入已取消，原有数据保持不变。",
                                  "The import was cancelled; the existing data is unchanged.", 499)


def _line_of(path: Path, offset: int) -> int:
    """1-based line number of a byte offset (counts newline bytes; fine for GB18030, approximate for UTF-16)."""
    n, pos = 1, 0
    with open(path, "rb") as f:
        while pos < offset:
            buf = f.read(min(CHUNK, offset - pos))
            if not buf:
                break
            n += buf.count(b"\n")
            pos += len(buf)
    return n
