"""Column names of imported tables (the cleaned header text) and safe table names.

Invariants
- make_identifier(label) is a pure function of the header: the same header always gets the same
  column name, in every file and every import, so append and upsert match columns by name across
  files whose columns are in a different order.
- A column is named by its header as written, cleaned (clean_column_name): Unicode NFC, control
  and format characters removed, whitespace (also full-width) collapsed to one space and trimmed,
  the characters that would break a reference removed (" ` [ ]) and a dot made "_", a leading "__" reduced to "_"
  (names starting with "__" are Shuzhi's own, e.g. __row), at most MAX_COLUMN characters. A header
  left empty is named 列<position> (列1, 列2 ...). So 订单号 stays 订单号 and "Order ID" stays
  "Order ID": the name reaches SQL only as a quoted sqlglot identifier, never as text.
- Within one table names are unique ignoring case (DuckDB compares identifiers case-insensitively):
  repeats get _2, _3 ... in column order (订单号, 订单号_2).
- legacy_identifier / legacy_identifiers are the names imports before issue 14 gave (ASCII
  snake_case, non-ASCII headers hashed to c_9e4f1d); they are kept only so that the name migration
  (shuzhi.service.name_migration) can recognise columns an old import created.
- Table names stay ASCII identifiers (check_table_name); default_table_name derives one from a file name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from shuzhi.errors import ShuzhiError

MAX_IDENT = 63
MAX_COLUMN = 63  # characters; the same bound the self-service datasets put on column names
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


_BREAKS = re.compile(r'["`\[\]]')  # would break a quoted name (a dot, which would read as dataset.field, becomes _)
_SPACE = re.compile(r"\s+")


def clean_column_name(text: str) -> str:
    """A header cleaned into a column name ("" when nothing is left; see the module docstring)."""
    t = unicodedata.normalize("NFC", str(text if text is not None else ""))
    t = "".join(" " if ch.isspace() else ch for ch in t
                if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    t = _SPACE.sub(" ", _BREAKS.sub("", t).replace(".", "_")).strip()
    if t.startswith("__"):
        t = "_" + t.lstrip("_")
    return t[:MAX_COLUMN].rstrip()


def make_identifier(label: str, position: int = 1) -> str:
    """The column name of a header (position: 1-based, names a blank header 列<position>)."""
    return clean_column_name(label) or f"列{position}"


def make_identifiers(labels: list[str]) -> list[str]:
    """Column names for a header row, unique ignoring case, in column order (订单号, 订单号_2)."""
    out: list[str] = []
    seen: set[str] = set()
    for i, label in enumerate(labels, start=1):
        base = make_identifier(label, i)
        name, n = base, 1
        while name.lower() in seen:
            n += 1
            suffix = f"_{n}"
            name = base[:MAX_COLUMN - len(suffix)].rstrip() + suffix
        seen.add(name.lower())
        out.append(name)
    return out


def is_column_name(name: str) -> bool:
    """True when `name` may name an imported column as it is (a user's rename in the preview)."""
    return isinstance(name, str) and bool(name) and clean_column_name(name) == name


def legacy_identifier(label: str, position: int = 1) -> str:
    """The column identifier imports before issue 14 gave a header (position: 1-based, for blank headers)."""
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


def legacy_identifiers(labels: list[str]) -> list[str]:
    """The identifiers imports before issue 14 gave a header row (a, a_2, a_3)."""
    out: list[str] = []
    seen: set[str] = set()
    for i, label in enumerate(labels, start=1):
        base = legacy_identifier(label, i)
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
    ident = legacy_identifier(stem)
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
