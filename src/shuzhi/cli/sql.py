"""`shuzhi sql`: read-only SQL on the warehouse (an administrator's tool)."""

from __future__ import annotations

import typer

from shuzhi.cli.common import console, runtime, t


def sql(
    query: str = typer.Argument(..., help="One read-only statement, e.g. \"SELECT region, count(*) FROM customers GROUP BY 1\"."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    limit: int = typer.Option(None, "--limit", min=1, help="Show at most N rows."),
) -> None:
    """Run read-only SQL against the warehouse. 在数据仓库上执行只读 SQL。"""
    from rich.table import Table

    from shuzhi.errors import ShuzhiError
    from shuzhi.results.encoders import to_csv, to_json, to_rows
    from shuzhi.results.format import format_value

    if fmt not in ("table", "csv", "json"):
        raise ShuzhiError("bad_format", f"--format 只能是 table、csv 或 json，不能是 {fmt}。",
                          f"--format must be table, csv or json, not {fmt}.")
    rt = runtime(start=False)
    rt.settings.ensure_home()
    s = rt.settings
    from shuzhi.service.executor import raw_sql_warehouse

    wh = raw_sql_warehouse(rt)
    # Sandboxed, READ ONLY, streamed and timed like POST /api/v1/sql (SHUZHI_SQL_* settings).
    res = wh.read_query(query, max_rows=min(limit or s.sql_row_cap, s.sql_row_cap),
                        max_bytes=s.sql_result_max_mb * 1024 * 1024, timeout_s=s.sql_timeout_s)
    if not s.warehouse_url:  # the embedded warehouse this command opened (an external one closes with the runtime)
        wh.close()
    table = res.table
    if fmt == "json":
        typer.echo(to_json(table))
    elif fmt == "csv":
        typer.echo(to_csv(table), nl=False)
    else:
        out = Table(show_lines=False)
        for f in table.schema:
            out.add_column(f.name, justify="right" if str(f.type).startswith(("int", "double", "float", "decimal")) else "left")
        for row in to_rows(table):
            out.add_row(*(format_value(v, style="raw") for v in row))
        console().print(out)
        typer.echo(t(f"{table.num_rows} 行", f"{table.num_rows} rows"), err=True)
    if res.truncated:
        typer.echo(t(f"结果已截断：只显示前 {table.num_rows} 行（上限见 --limit 和 SHUZHI_SQL_ROW_CAP）。",
                     f"Truncated: only the first {table.num_rows} rows are shown (see --limit and SHUZHI_SQL_ROW_CAP)."),
                   err=True)
