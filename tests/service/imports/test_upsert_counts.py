"""Upsert counts: rows updated vs inserted when the table already holds the same key more than once."""

from __future__ import annotations

from pathlib import Path

from shuzhi.service.imports import ImportOptions, run_import_inline


def _imp(rt, path: Path, **kw):  # type: ignore[no-untyped-def]
    return run_import_inline(rt, path, path.name, ImportOptions(**kw), user="admin")


def test_upsert_over_duplicate_keys_counts_keys_not_deleted_rows(rt, data: Path) -> None:  # type: ignore[no-untyped-def]
    _imp(rt, data / "stock_v1.csv", table="stock")
    _imp(rt, data / "stock_v1.csv", table="stock", mode="append")  # A1, A2, A3 twice each
    r = _imp(rt, data / "stock_v2.csv", table="stock", mode="upsert", key=["sku"])
    # A2 was in the table twice: one key updated (its two rows replaced by the file's one), A4 new.
    assert (r["rows"], r["updated"], r["inserted"], r["duplicates_removed"], r["table_rows"]) == (2, 1, 1, 1, 6)
    with rt.warehouse().cursor() as cur:
        assert cur.execute("SELECT qty FROM stock WHERE sku = 'A2'").fetchall() == [(25,)]
