"""Renaming warehouse columns in one transaction (the upgrade of imported column names).

    table_columns(warehouse, table)           the table's column names in order (None: no such table)
    rename_columns(warehouse, {table: [(old, new), ...]})

Invariants
- All renames of one call happen in ONE DuckDB transaction: a failure leaves every table as it was.
- Names travel as quoted sqlglot identifiers (ALTER TABLE … RENAME COLUMN), never as SQL text.
- A rename that changes only the case of a name (amount → Amount) goes through a temporary name,
  because DuckDB compares identifiers case-insensitively.
"""

from __future__ import annotations

import uuid

import duckdb
from sqlglot import exp

from shuzhi.engines.import_sources import ident, table
from shuzhi.engines.warehouse import Warehouse


def _rename(old: str, new: str, target: str) -> str:
    return exp.Alter(this=table(target), kind="TABLE", actions=[
        exp.RenameColumn(this=exp.column(ident(old)), to=exp.column(ident(new)))]).sql(dialect="duckdb")


def table_columns(warehouse: Warehouse, name: str) -> list[str] | None:
    with warehouse.cursor() as cur:
        rows = cur.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
                           "AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()
    return [r[0] for r in rows] if rows else None


def rename_columns(warehouse: Warehouse, renames: dict[str, list[tuple[str, str]]]) -> None:
    """Rename columns of several tables, all or nothing."""
    if not any(renames.values()):
        return
    with warehouse.job_cursor() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            for target, pairs in renames.items():
                for old, new in pairs:
                    if old.lower() == new.lower():
                        tmp = f"_shuzhi_rename_{uuid.uuid4().hex[:8]}"
                        cur.execute(_rename(old, tmp, target))
                        cur.execute(_rename(tmp, new, target))
                    else:
                        cur.execute(_rename(old, new, target))
            cur.execute("COMMIT")
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise
    try:
        with warehouse.cursor() as cur:
            cur.execute("CHECKPOINT")
    except duckdb.Error:
        pass  # another transaction is open; DuckDB checkpoints later itself
