"""The generated warehouse matches docs/DEMO_SCHEMA.md exactly: tables, columns, types, nulls, keys, value sets."""

# ruff: noqa: S608  (table and column names in the SQL come from the contract file, not from users)

from __future__ import annotations

import duckdb
import pytest
from demo_helpers import REPO_ROOT, Contract, parse_contract, scalar, schema_path

from shuzhi.demo import DEMO_TABLES
from shuzhi.demo.contract import EXTENSION_COLUMNS, EXTENSION_TABLES, TABLE_COLUMNS

EXPECTED_TABLES = (
    "customers", "products", "sales_orders", "inventory_snapshots", "production_orders", "quality_inspections",
    "suppliers", "purchase_orders", "opportunities", "rd_projects", "rd_expenses", "patents",
    "industry_patents", "rd_proposals",  # "Extensions for innovation intelligence"
)  # fmt: skip


def test_contract_parses(contract: Contract) -> None:
    # The parser itself must see the whole contract, or the checks below prove little.
    assert tuple(contract.columns) == EXPECTED_TABLES
    assert sum(len(c) for c in contract.columns.values()) == 96 + 20
    assert contract.pk["customers"] == ["customer_id"] and "sales_orders" not in contract.pk
    assert contract.pk["industry_patents"] == ["patent_id"] and contract.columns["rd_proposals"][-1] == (
        "submitted_date", "DATE", False)  # the row's trailing prose is not a flag
    assert ("rd_projects", "status") in contract.value_sets
    assert contract.value_sets[("patents", "legal_status")] == ["审查中", "已授权", "已驳回", "已失效"]
    assert (
        contract.value_sets[("purchase_orders", "material_category")]
        == contract.value_sets[("suppliers", "material_category")]
    )
    assert contract.value_sets[("customers", "region")][-1] == "海外"
    assert len(contract.value_sets) == 19


def test_docs_copy_is_verbatim() -> None:
    shared = REPO_ROOT.parent / "shared" / "DEMO_SCHEMA.md"
    if not shared.exists():
        pytest.skip("../shared is not present")
    assert (REPO_ROOT / "docs" / "DEMO_SCHEMA.md").read_bytes() == shared.read_bytes()


def test_demo_tables_constant(contract: Contract) -> None:
    assert tuple(DEMO_TABLES) == tuple(contract.columns) + EXTENSION_TABLES and len(DEMO_TABLES) == 15


def test_extension_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Tables beyond the contract (docs/demo.md) are built with the types contract.py gives them."""
    for table in EXTENSION_TABLES:
        got = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
        assert got == [(name, typ) for name, typ, _ in TABLE_COLUMNS[table]], table
        assert scalar(con, f"SELECT count(*) FROM {table}") == 1, table


def test_tables_columns_types(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    for table, cols in contract.columns.items():
        got = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
        extra = [(name, typ) for name, typ, _ in TABLE_COLUMNS[table] if name in EXTENSION_COLUMNS.get(table, ())]
        assert got == [(name, typ) for name, typ, _ in cols] + extra, table


def test_not_null_columns_have_no_nulls(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    for table, cols in contract.columns.items():
        assert scalar(con, f"SELECT count(*) FROM {table}") > 0, table
        for name, _, nullable in cols:
            if not nullable:
                assert scalar(con, f"SELECT count(*) FROM {table} WHERE {name} IS NULL") == 0, (table, name)


def test_nullable_columns_do_have_nulls(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    # Every "null" column is NULL somewhere (otherwise a rule like 待发货 -> no ship_date is untested).
    for table, cols in contract.columns.items():
        for name, _, nullable in cols:
            if nullable:
                assert scalar(con, f"SELECT count(*) FROM {table} WHERE {name} IS NULL") > 0, (table, name)


def test_value_sets_exact(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    for (table, column), values in contract.value_sets.items():
        got = {
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL"
            ).fetchall()
        }
        assert got == set(values), (table, column, got ^ set(values))


def test_primary_keys_unique(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    for table, cols in contract.pk.items():
        key = ", ".join(cols)
        assert scalar(con, f"SELECT count(*) - count(DISTINCT ({key})) FROM {table}") == 0, table
    assert scalar(con, "SELECT count(*) - count(DISTINCT (order_id, line_no)) FROM sales_orders") == 0


FOREIGN_KEYS = (
    ("sales_orders", "customer_id", "customers"),
    ("sales_orders", "product_id", "products"),
    ("inventory_snapshots", "product_id", "products"),
    ("production_orders", "product_id", "products"),
    ("quality_inspections", "work_order_id", "production_orders"),
    ("quality_inspections", "supplier_id", "suppliers"),
    ("purchase_orders", "supplier_id", "suppliers"),
    ("opportunities", "customer_id", "customers"),
    ("rd_expenses", "project_id", "rd_projects"),
    ("patents", "project_id", "rd_projects"),
)


@pytest.mark.parametrize(("table", "column", "parent"), FOREIGN_KEYS)
def test_referential_integrity(con: duckdb.DuckDBPyConnection, table: str, column: str, parent: str) -> None:
    missing = scalar(
        con,
        f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND t.{column} NOT IN (SELECT {column} FROM {parent})",
    )
    assert missing == 0
    assert scalar(con, f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL") > 0


def test_parser_handles_edge_lines() -> None:
    text = (
        "## Tables (x)\n| table | columns (type) |\n|---|---|\n"
        "| t | a INTEGER pk, b DATE (first day, of month), c VARCHAR null |\n"
        "## Value sets\n- t.c: x, y (note: a, b; c)\n- t.d: p; e: q, r\n- t.f and u.f: m\n"
    )
    c = parse_contract(text)
    assert c.columns["t"] == [("a", "INTEGER", False), ("b", "DATE", False), ("c", "VARCHAR", True)]
    assert c.value_sets == {
        ("t", "c"): ["x", "y"],
        ("t", "d"): ["p"],
        ("t", "e"): ["q", "r"],
        ("t", "f"): ["m"],
        ("u", "f"): ["m"],
    }


def test_schema_source_exists() -> None:
    assert schema_path().exists()


def test_extension_columns(con: duckdb.DuckDBPyConnection) -> None:
    lines = {r[0] for r in con.execute("SELECT DISTINCT product_line FROM rd_projects").fetchall()}
    assert lines == set(scalar(con, "SELECT list(DISTINCT product_line) FROM products"))
