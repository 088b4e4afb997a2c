"""What an import reads: the file sources, the column types a user may choose, and inference.

Invariants
- Previews read on a scratch in-memory DuckDB (scratch_connection / infer_file), never the warehouse
  file; it is sandboxed to the file being previewed and the import's own work folder.
- CSV, Parquet and JSON are read by DuckDB itself (relation(): read_csv with explicit column types
  when they are known, read_parquet, read_json); Excel arrives as an Arrow table. A CSV sample
  DuckDB cannot sniff is inferred from its good records (engines.csv_exact.infer).
- Column types come from a whitelist (check_type), names are sqlglot identifiers (ident, table);
  file paths and options travel as DuckDB's Python reader arguments, never as SQL text.
- Reading errors become ShuzhiError (read_error); a cancelled read is import_cancelled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from shuzhi.engines.sandbox import sandboxed_connect
from shuzhi.engines.warehouse import translate_duckdb_error
from shuzhi.errors import ShuzhiError

MODES = ("replace", "append", "upsert")
_TYPE = re.compile(r"^(VARCHAR|BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|DOUBLE|DATE|TIME|TIMESTAMP|"
                   r"TIMESTAMPTZ|DECIMAL\(\s*\d{1,2}\s*,\s*\d{1,2}\s*\)|JSON)$")
_TYPE_ALIASES = {"TEXT": "VARCHAR", "STRING": "VARCHAR", "INT": "INTEGER", "INT64": "BIGINT", "LONG": "BIGINT",
                 "REAL": "FLOAT", "NUMBER": "DOUBLE", "NUMERIC": "DOUBLE", "BOOL": "BOOLEAN",
                 "DATETIME": "TIMESTAMP", "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ"}
REJECTS_SHOWN = 20


def check_type(name: str) -> str:
    """A column type a user may choose, normalized (VARCHAR, BIGINT, DOUBLE, DATE, DECIMAL(18,2) ...)."""
    t = re.sub(r"\s+", " ", (name or "").strip().upper())
    t = _TYPE_ALIASES.get(t, t)
    if not _TYPE.match(t):
        raise ShuzhiError(
            "bad_column_type",
            f"不支持的列类型「{name}」，可选：VARCHAR、BIGINT、INTEGER、DOUBLE、DECIMAL(p,s)、BOOLEAN、DATE、TIMESTAMP。",
            f"Unsupported column type '{name}'; choose VARCHAR, BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), BOOLEAN, "
            "DATE or TIMESTAMP.",
        )
    return t.replace(" ", "")


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def table(name: str) -> exp.Table:
    return exp.Table(this=ident(name))


def _sql(e: exp.Expression) -> str:
    return e.sql(dialect="duckdb")


@dataclass
class Column:
    name: str  # the column name (the cleaned header, sources.files.names); reaches SQL only quoted
    label: str
    type: str  # DuckDB type


@dataclass
class CsvSource:
    path: Path  # UTF-8 (or UTF-16) text
    delimiter: str
    has_header: bool
    skip_lines: int  # lines before the header (or before the data without a header)
    thousands: bool = False
    encoding: str = "utf-8"  # DuckDB's name: utf-8 or utf-16
    workdir: Path | None = None  # where the exact path writes its cleaned copy (default: the system temp)
    width: int = 0  # fields per record as detected (0: unknown); the exact path's inference needs it


@dataclass
class ArrowSource:
    table: pa.Table  # may hold __row (the source row number used for reports)


@dataclass
class FileSource:
    path: Path
    format: str  # parquet | json | ndjson


Source = CsvSource | ArrowSource | FileSource


@dataclass
class Outcome:
    rows: int  # rows now in the staging data (imported)
    inserted: int = 0  # rows whose key was not in the table (replace / append: every row)
    updated: int = 0  # upsert: rows of the file whose key was in the table
    duplicates_removed: int = 0  # upsert: extra table rows of an updated key (it was there more than once)
    table_rows: int = 0  # rows in the target table after the import
    rejected: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)  # first REJECTS_SHOWN


def relation(cur: duckdb.DuckDBPyConnection, src: Source, columns: list[Column] | None = None,
              *, rejects: tuple[str, str] | None = None) -> duckdb.DuckDBPyRelation:
    """A DuckDB relation over the source (types inferred when `columns` is None)."""
    if isinstance(src, CsvSource):
        kw: dict[str, Any] = dict(header=src.has_header, delimiter=src.delimiter, quotechar='"',
                                  skiprows=src.skip_lines, encoding=src.encoding)
        if src.thousands:
            kw["thousands"] = ","
        if columns is not None:
            kw["columns"] = {c.name: c.type for c in columns}
        else:  # inference for a preview: a malformed line must not stop the sniffer
            kw.update(sample_size=20480, ignore_errors=True)
        if rejects is not None:
            kw.update(store_rejects=True, rejects_table=rejects[0], rejects_scan=rejects[1])
        return cur.read_csv(str(src.path), **kw)
    if isinstance(src, ArrowSource):
        return cur.from_arrow(src.table)
    if src.format == "parquet":
        return cur.read_parquet(str(src.path))
    return cur.read_json(str(src.path), format="array" if src.format == "json" else "newline_delimited")


def scratch_connection(*, paths: Iterable[Path] = (), dirs: Iterable[Path] = ()) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for previews: it never touches (or waits for) the warehouse file. Sandboxed
    (engines/sandbox.py): it reads only the file being previewed (`paths`) and files under `dirs`
    (the import's own work folder), and never spills to disk."""
    return sandboxed_connect(":memory:", memory_limit="1GB", threads=2, paths=paths, dirs=dirs, temp_directory="")


def infer(cur: duckdb.DuckDBPyConnection, src: Source, limit: int = 50) -> tuple[list[str], list[str], list[tuple]]:
    """(source column names, inferred DuckDB types, first `limit` rows) without reading the whole file."""
    try:
        rel = relation(cur, src)
        names = [n for n in rel.columns if n != "__row"]
        types = [str(t) for n, t in zip(rel.columns, rel.types, strict=True) if n != "__row"]
        rows = rel.project(", ".join(_sql(ident(n)) for n in names)).limit(limit).fetchall()
    except duckdb.InvalidInputException as exc:
        # DuckDB's sniffer gives up when its sample holds broken rows (an unterminated quote, an
        # over-long line): infer from the sample's good records instead.
        if not isinstance(src, CsvSource) or not src.width:
            raise read_error(exc) from None
        from shuzhi.engines import csv_exact  # it imports this module's types: imported when needed

        try:
            return csv_exact.infer(cur, src, limit)
        except duckdb.Error as exc2:
            raise read_error(exc2) from None
    except duckdb.Error as exc:
        raise read_error(exc) from None
    return names, types, rows


def infer_file(src: Source, limit: int = 50, *, paths: Iterable[Path] = (), dirs: Iterable[Path] = ()
               ) -> tuple[list[str], list[str], list[tuple]]:
    """infer() on a scratch connection of its own (scratch_connection(paths, dirs)), closed afterwards."""
    con = scratch_connection(paths=paths, dirs=dirs)
    try:
        return infer(con, src, limit)
    finally:
        con.close()


def read_error(exc: Exception) -> ShuzhiError:
    msg = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, duckdb.InterruptException):
        return cancelled_error()
    if isinstance(exc, duckdb.OutOfMemoryException | duckdb.IOException):
        return translate_duckdb_error(exc)
    return ShuzhiError("file_unreadable", f"无法按所选格式读取文件：{msg}", f"Cannot read the file as chosen: {msg}")


def cancelled_error() -> ShuzhiError:
    return ShuzhiError("import_cancelled", "导入已取消，原有数据保持不变。",
                       "The import was cancelled; the existing data is unchanged.", 499)


def key_error(missing: list[str], names: list[str]) -> ShuzhiError:
    if not missing:
        return ShuzhiError("upsert_key_missing", "按键更新（upsert）需要指定键列（--key）。",
                           "An upsert needs key columns (--key).")
    return ShuzhiError(
        "upsert_key_missing",
        f"键列 {'、'.join(missing)} 不在文件或表中，可用的列：{'、'.join(names)}。",
        f"Key columns {', '.join(missing)} are not in the file or the table; columns: {', '.join(names)}.",
        details={"columns": names})
