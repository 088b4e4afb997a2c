"""Which reader a file needs, from its name and its first bytes (the content wins over the name).

Invariants
- detect_format reads at most 4 KB. A file whose bytes contradict its extension (a renamed
  binary, a ZIP that is not a workbook) is refused with a clear message instead of being parsed.
"""

from __future__ import annotations

from pathlib import Path

from shuzhi.errors import ShuzhiError

FORMATS = ("csv", "excel", "parquet", "json", "ndjson")
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PARQUET = b"PAR1"


def detect_format(path: Path, filename: str | None = None) -> str:
    """One of FORMATS for the file at `path` (filename: the user's name, for uploads)."""
    name = (filename or path.name).lower()
    suffix = Path(name).suffix
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise ShuzhiError("file_unreadable", f"无法读取文件 {name}：{exc.strerror}。",
                          f"Cannot read the file {name}: {exc.strerror}.", 400) from None
    if not head.strip():
        raise ShuzhiError("empty_file", "文件是空的，没有可导入的数据。", "The file is empty; there is nothing to import.")
    if head.startswith(_PARQUET):
        return "parquet"
    if head.startswith(_OLE) or head.startswith(_ZIP):
        if suffix in EXCEL_SUFFIXES or head.startswith(_OLE) or b"xl/" in head or b"[Content_Types].xml" in head:
            return "excel"
        raise unsupported(name)
    if suffix in EXCEL_SUFFIXES or suffix == ".parquet":
        raise ShuzhiError(
            "file_damaged",
            f"文件 {name} 的内容与扩展名不符（不是有效的 {suffix} 文件），可能已损坏。",
            f"The content of {name} does not match its extension (not a valid {suffix} file); it may be damaged.",
        )
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in (".jsonl", ".ndjson"):
        return "ndjson"
    if suffix == ".json" or (suffix not in TEXT_SUFFIXES and stripped[:1] in (b"[", b"{")):
        if stripped[:1] == b"[":
            return "json"
        if stripped[:1] == b"{":
            first = stripped.split(b"\n", 1)[0].strip()
            return "ndjson" if first.endswith(b"}") and b"\n{" in stripped.replace(b"\r", b"") else "json"
        raise ShuzhiError("bad_json", f"{name} 不是有效的 JSON（应以 [ 或 {{ 开头）。",
                          f"{name} is not valid JSON (it should start with [ or {{).")
    if suffix in TEXT_SUFFIXES or suffix == "":
        return "csv"
    if b"\0" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise unsupported(name)
    return "csv"


def unsupported(name: str) -> ShuzhiError:
    return ShuzhiError(
        "unsupported_file",
        f"不支持的文件 {name}：可导入 CSV/TSV/TXT、Excel（.xlsx/.xls）、Parquet、JSON 和 NDJSON。",
        f"Unsupported file {name}: import CSV/TSV/TXT, Excel (.xlsx/.xls), Parquet, JSON or NDJSON.",
        415,
    )
