"""Safe identifiers for imported tables and columns; the original text is kept as a label.

Invariants
- make_identifier(label) is a pure function of the label: the same header always gets the same
  column identifier, in every file and every import, so append and upsert match columns by
  identifier across files whose columns are in a different order.
- Identifiers match [a-z_][a-z0-9_]*, are at most 63 characters, and are never an SQL reserved
  word. ASCII headers become snake_case ("Order ID" -> order_id). A header with any non-ASCII
  letter (销售额, "金额 RMB") gets its ASCII part, or "c", plus "_" and 6 hex digits of a hash of
  the whole header (销售额 -> c_9e4f1d, 金额 RMB -> rmb_2b07c4): stable and collision-resistant,
  with no transliteration dictionary. The header itself is stored as the column's label.
- Within one table, duplicates get _2, _3 ... in column order.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from shuzhi.errors import ShuzhiError

MAX_IDENT = 63
# SQL reserved words (DuckDB's reserved keywords plus the common standard ones); identifiers equal
# to one of these get a trailing underscore, table names equal to one are refused.
RESERVED = frozenset("""
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint
create current_catalog current_date current_role current_time current_timestamp current_user default
deferrable desc describe distinct do else end except false fetch for foreign from grant group having
in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or
order placing primary references returning select session_user some symmetric table then to trailing
true union unique user using variadic when where window with pivot unpivot qualify summarize show
join left right inner outer full cross natural by is like ilike between exists interval over partition
""".split())
# Table-name prefixes that belong to the system or to Shuzhi's own staging.
_SYSTEM_PREFIXES = ("_shuzhi", "duckdb_", "pg_", "sqlite_", "information_schema")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _hash6(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=3).hexdigest()


def make_identifier(label: str, position: int = 1) -> str:
    """The safe column identifier of a header (position: 1-based, used only for blank headers)."""
    text = unicodedata.normalize("NFKC", str(label or "")).strip()
    if not text:
        return f"col_{position}"
    blank = re.fullmatch(r"列(\d+)", text)  # the display label of a column without a header
    if blank:
        return f"col_{blank.group(1)}"
    ascii_part = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()[:40].strip("_")
    non_ascii = any(ord(ch) > 127 for ch in text)
    if non_ascii or not ascii_part:
        ident = f"{ascii_part or 'c'}_{_hash6(text)}"
    else:
        ident = ascii_part
    if ident[0].isdigit():
        ident = f"c_{ident}"
    ident = ident[:MAX_IDENT - 1]
    if ident in RESERVED or ident.startswith("__"):
        ident = f"{ident.strip('_') or 'c'}_"
    return ident


def make_identifiers(labels: list[str]) -> list[str]:
    """Identifiers for a header row, de-duplicated in column order (a, a_2, a_3)."""
    out: list[str] = []
    seen: set[str] = set()
    for i, label in enumerate(labels, start=1):
        base = make_identifier(label, i)
        ident, n = base, 1
        while ident in seen:
            n += 1
            ident = f"{base[:MAX_IDENT - 4]}_{n}"
        seen.add(ident)
        out.append(ident)
    return out


def default_table_name(filename: str) -> str:
    """A table name derived from a file name (销售明细.csv -> t_xxxxxx, Orders 2025.csv -> orders_2025)."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,8}$", "", filename.rsplit("/", 1)[-1])
    ident = make_identifier(stem)
    if ident.startswith("c_"):
        ident = "t_" + ident[2:]
    return ident


def check_table_name(name: str) -> str:
    """Validate a user-given warehouse table name; return it (lower case)."""
    raw = (name or "").strip()
    low = raw.lower()
    if not _IDENT.match(low) or len(low) > MAX_IDENT:
        raise ShuzhiError(
            "bad_table_name",
            f"表名「{raw}」无效：只能用英文字母、数字和下划线，以字母或下划线开头，最长 {MAX_IDENT} 个字符。",
            f"Invalid table name '{raw}': use letters, digits and underscores, starting with a letter or "
            f"underscore, at most {MAX_IDENT} characters.",
        )
    if low in RESERVED or low.startswith(_SYSTEM_PREFIXES) or low.endswith("__rejects"):
        raise ShuzhiError(
            "reserved_table_name",
            f"表名「{raw}」是保留名称（SQL 关键字、系统前缀或 __rejects 结尾），请换一个。",
            f"The table name '{raw}' is reserved (an SQL keyword, a system prefix or ending in __rejects); "
            "choose another.",
        )
    return low


def rejects_table_name(table: str) -> str:
    """Where rows skipped by an import of `table` are kept (line numbers, error, raw text)."""
    return f"{table}__rejects"
