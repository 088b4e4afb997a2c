"""`shuzhi connection ...` and `shuzhi extract ...`: database connections and the tables copied from them.

Passwords are read from standard input (--password-stdin) or a prompt, never from the command line
(where they would land in the shell history and the process list).
"""

from __future__ import annotations

import json

import typer

from shuzhi.cli.common import console, lang, read_secret, runtime, served, t

connection_app = typer.Typer(help="Database connections. 数据库连接。", no_args_is_help=True)
extract_app = typer.Typer(help="Tables picked from connections: extract (copy) or direct. 抽取与直连。",
                          no_args_is_help=True)


def _split_table(name: str) -> tuple[str | None, str]:
    schema, _, table = name.rpartition(".")
    return (schema or None), table


def _fmt_bytes(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@connection_app.command("add")
def add(
    name: str = typer.Argument(..., help="snake_case name (models refer to it)."),
    kind: str = typer.Option(..., "--kind", help="postgresql, mysql, mariadb, doris, starrocks, sqlite, mssql, "
                                                "oracle, clickhouse, trino."),
    host: str = typer.Option(None, "--host"),
    port: int = typer.Option(None, "--port", help="Default: the kind's standard port."),
    database: str = typer.Option(None, "--database", help="Database name (sqlite: the file path)."),
    user: str = typer.Option(None, "--user", help="Database user."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input "
                                                                        "(or a prompt on a terminal)."),
    option: list[str] = typer.Option([], "--option", help="Driver URL option key=value, repeatable (sslmode=require)."),
    label: str = typer.Option(None, "--label", help="Display name."),
    no_test: bool = typer.Option(False, "--no-test", help="Save without testing the connection first."),
) -> None:
    """Add a connection (tested first). 新建数据库连接（先测试）。"""
    from shuzhi.errors import ShuzhiError
    from shuzhi.service import connections as conns
    from shuzhi.sources.databases import ConnectionParts

    opts = {}
    for o in option:
        k, sep, v = o.partition("=")
        if not sep:
            raise ShuzhiError("connection_option_invalid", f"连接选项应为 key=value：{o}", f"Options are key=value: {o}")
        opts[k.strip()] = v.strip()
    password = read_secret("数据库密码", "Database password", confirm=False) if password_stdin else None
    parts = ConnectionParts(kind, host, port, database, user, opts)
    rt = runtime()
    try:
        if not no_test:
            with conns.open_source(rt, parts, password) as src:
                info = src.test()
        with rt.catalog.session() as db:
            rec = conns.create(rt, db, name, parts, password, label=label, actor="cli")
            shown = conns.to_dict(rec)
    finally:
        rt.close()
    typer.echo(t(f"已保存连接 {shown['name']}：{shown['url']}", f"Saved connection {shown['name']}: {shown['url']}"))
    if not no_test:
        typer.echo(t(f"  连接正常（版本 {info['server_version']}，{info['latency_ms']} 毫秒）。",
                     f"  Connection OK (version {info['server_version']}, {info['latency_ms']} ms)."))


@connection_app.command("list")
def list_(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """List connections (passwords are never shown). 列出连接。"""
    from rich.table import Table

    from shuzhi.catalog import connections as store
    from shuzhi.service import connections as conns

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            rows = [conns.to_dict(c) for c in store.list_connections(db)]
    finally:
        rt.close()
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(t("名称", "name"), t("类型", "kind"), "URL", t("密码", "password"), t("直连", "direct"))
    for r in rows:
        table.add_row(r["name"], r["kind_label"], r["url"], t("已设置", "set") if r["password_set"] else "",
                      t("支持", "yes") if r["direct_query"] else "")
    console().print(table)


@connection_app.command("test")
def test(name: str = typer.Argument(..., help="Connection name or id.")) -> None:
    """Test a saved connection. 测试连接。"""
    from shuzhi.catalog import connections as store
    from shuzhi.service import connections as conns

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            rec = store.get_connection(db, name)
        with conns.open_connection(rt, rec) as src:
            info = src.test()
    finally:
        rt.close()
    typer.echo(t(f"连接正常（版本 {info['server_version']}，{info['latency_ms']} 毫秒）。",
                 f"Connection OK (version {info['server_version']}, {info['latency_ms']} ms)."))


@connection_app.command("tables")
def tables(
    name: str = typer.Argument(..., help="Connection name or id."),
    schema: str = typer.Option(None, "--schema", help="Schema (default: the connection's default)."),
    columns: str = typer.Option(None, "--columns", help="Show the columns of this table instead."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Browse schemas, tables with row counts, or one table's columns. 浏览表和列。"""
    from rich.table import Table

    from shuzhi.catalog import connections as store
    from shuzhi.service import connections as conns

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            rec = store.get_connection(db, name)
        with conns.open_connection(rt, rec) as src:
            if columns:
                data = [c.as_dict() for c in src.columns(schema, columns)]
            else:
                data = {"schemas": src.schemas(), "schema": schema or src.default_schema(),
                        "tables": src.tables(schema)}
    finally:
        rt.close()
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if columns:
        table = Table(t("列", "column"), t("类型", "type"), t("源类型", "source type"), t("主键", "key"))
        for c in data:  # type: ignore[union-attr]
            table.add_row(c["name"], c["type"], c["source_type"], "✓" if c["primary_key"] else "")
    else:
        typer.echo(t(f"模式：{'、'.join(data['schemas'])}（当前 {data['schema']}）",  # type: ignore[index]
                     f"Schemas: {', '.join(data['schemas'])} (showing {data['schema']})"))  # type: ignore[index]
        table = Table(t("表", "table"), t("类型", "type"), t("行数", "rows"))
        for x in data["tables"]:  # type: ignore[index]
            n = x["row_count"]
            table.add_row(x["name"], x["type"], "" if n is None else (f"≈{n:,}" if x["row_count_estimated"] else f"{n:,}"))
    console().print(table)


@connection_app.command("remove")
def remove(name: str = typer.Argument(..., help="Connection name or id.")) -> None:
    """Remove a connection (its picked tables must be removed first). 删除连接。"""
    from shuzhi.catalog import connections as store
    from shuzhi.service import connections as conns

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            conns.delete(rt, db, store.get_connection(db, name), actor="cli")
    finally:
        rt.close()
    typer.echo(t(f"已删除连接 {name}。", f"Removed connection {name}."))


# -- extracts ------------------------------------------------------------------------------
@extract_app.command("add")
def extract_add(
    connection: str = typer.Argument(..., help="Connection name or id."),
    table: str = typer.Argument(..., help="Source table, optionally schema.table."),
    mode: str = typer.Option("extract", "--mode", help="extract (copy into the warehouse) or direct (query live)."),
    target: str = typer.Option(None, "--target", help="Warehouse table name (default <connection>_<table>)."),
    column: list[str] = typer.Option([], "--column", help="Copy only these columns (repeatable; default all)."),
    key: str = typer.Option(None, "--key", help="Primary key columns, comma-separated (default: the source's)."),
    incremental: str = typer.Option(None, "--incremental", help="Incremental column (default: full refreshes)."),
    incremental_kind: str = typer.Option("key", "--incremental-kind", help="key (increasing) or updated_at."),
    cron: str = typer.Option(None, "--cron", help="Refresh schedule, e.g. '0 2 * * *' (Asia/Shanghai)."),
    every: int = typer.Option(None, "--every", help="Or refresh every N seconds (≥ 60)."),
    no_refresh: bool = typer.Option(False, "--no-refresh", help="Do not run the first refresh now."),
) -> None:
    """Pick a table from a connection. 选择要抽取或直连的表。"""
    from shuzhi.catalog import connections as store
    from shuzhi.service import refresh as R

    schema, name = _split_table(table)
    pick = R.Pick(table=name, schema=schema, mode=mode, target=target, columns=list(column) or None,
                  primary_key=[k.strip() for k in key.split(",") if k.strip()] if key else None,
                  refresh="incremental" if incremental else "full", incremental_column=incremental,
                  incremental_kind=incremental_kind if incremental else None, cron=cron, interval_s=every)
    rt = runtime()
    try:
        with rt.catalog.session() as db:
            conn = store.get_connection(db, connection)
            (st,) = R.pick_tables(rt, db, conn, [pick], actor="cli")
            sid, tgt = st.id, st.target_table
        typer.echo(t(f"已添加 #{sid}：{table}（{mode}）" + (f" → 仓库表 {tgt}" if tgt else ""),
                     f"Added #{sid}: {table} ({mode})" + (f" → warehouse table {tgt}" if tgt else "")))
        if mode == "extract" and not no_refresh:
            _refresh_with_bar(rt, sid, full=False, accept=False)
    finally:
        rt.close()


@extract_app.command("list")
def extract_list(
    connection: str = typer.Option(None, "--connection", help="Only this connection's tables."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List picked tables with their last refresh. 列出已选的表。"""
    from rich.table import Table

    from shuzhi.catalog import connections as store
    from shuzhi.service import refresh as R

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            cid = store.get_connection(db, connection).id if connection else None
            names = {c.id: c.name for c in store.list_connections(db)}
            rows = [R.to_dict(st, db) | {"connection": names.get(st.connection_id)}
                    for st in store.list_source_tables(db, cid)]
    finally:
        rt.close()
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table("#", t("连接", "connection"), t("源表", "source"), t("模式", "mode"), t("仓库表", "table"),
                  t("刷新", "refresh"), t("行数", "rows"), t("上次刷新", "last refresh"), t("计划", "schedule"))
    for r in rows:
        sched = r["schedule"]
        table.add_row(str(r["id"]), r["connection"] or "", f"{r['schema'] + '.' if r['schema'] else ''}{r['table']}",
                      r["mode"], r["target_table"] or "",
                      r["refresh"] + (f"({r['incremental_column']})" if r["incremental_column"] else ""),
                      "" if r["row_count"] is None else f"{r['row_count']:,}",
                      f"{(r['last_refresh_at'] or '')[:19]} {r['last_status'] or ''}".strip(),
                      (sched["cron"] or f"{sched['interval_s']}s") if sched else "")
    console().print(table)


@extract_app.command("refresh")
def extract_refresh(
    ref: str = typer.Argument(..., help="Extract id or warehouse table name."),
    full: bool = typer.Option(False, "--full", help="Reload everything (also removes rows deleted at the source)."),
    accept_schema_changes: bool = typer.Option(False, "--accept-schema-changes",
                                               help="Take the source's new columns and types (a full reload)."),
) -> None:
    """Refresh an extract now, with a progress bar. 立即刷新。"""
    from shuzhi.catalog import connections as store

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            sid = store.get_source_table(db, ref).id
        _refresh_with_bar(rt, sid, full=full, accept=accept_schema_changes)
    finally:
        rt.close()


@extract_app.command("runs")
def extract_runs(
    ref: str = typer.Argument(..., help="Extract id or warehouse table name."),
    limit: int = typer.Option(20, "--limit"),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Refresh history: start, end, rows, bytes, errors. 刷新记录。"""
    from rich.table import Table

    from shuzhi.catalog import connections as store
    from shuzhi.service import refresh as R

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            runs = [R.run_to_dict(r) for r in store.list_runs(db, store.get_source_table(db, ref).id, limit)]
    finally:
        rt.close()
    if fmt == "json":
        typer.echo(json.dumps(runs, ensure_ascii=False, indent=2))
        return
    table = Table("#", t("开始", "started"), t("耗时", "took"), t("方式", "kind"), t("状态", "status"),
                  t("读取行", "rows read"), t("总行数", "rows"), t("字节", "bytes"), t("说明", "note"))
    for r in runs:
        err = r["error"]
        note = (err.get("en") if lang() == "en" else err.get("zh")) if err else ""
        if not note and r["schema_changes"]:
            note = t("列变化：", "columns changed: ") + json.dumps(r["schema_changes"], ensure_ascii=False)
        table.add_row(str(r["id"]), r["started_at"][:19], "" if r["duration_s"] is None else f"{r['duration_s']}s",
                      r["kind"], r["status"], "" if r["rows_read"] is None else f"{r['rows_read']:,}",
                      "" if r["rows_total"] is None else f"{r['rows_total']:,}", _fmt_bytes(r["bytes"]), note or "")
    console().print(table)


@extract_app.command("remove")
def extract_remove(
    ref: str = typer.Argument(..., help="Extract id or warehouse table name."),
    drop_table: bool = typer.Option(False, "--drop-table", help="Also drop the warehouse table."),
) -> None:
    """Remove a picked table (and its schedule). 移除已选的表。"""
    from shuzhi.catalog import connections as store
    from shuzhi.service import refresh as R

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            R.remove_table(rt, db, store.get_source_table(db, ref), drop_data=drop_table)
    finally:
        rt.close()
    typer.echo(t(f"已移除 {ref}。", f"Removed {ref}."))


def _refresh_with_bar(rt, sid: int, *, full: bool, accept: bool) -> None:  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from shuzhi.service import refresh as R

    # Served: no bar (its refresh thread would draw on the server's terminal, not the caller's).
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  transient=True, disable=served() is not None) as bar:
        task = bar.add_task(t("刷新", "Refreshing"), total=1.0)

        def on_progress(fraction: float, message: str | None) -> None:
            label = (message or "").split(" / ")
            bar.update(task, completed=fraction, description=(label[-1] if lang() == "en" else label[0]) or "")

        out = R.refresh_inline(rt, sid, full=full, accept_schema_changes=accept, actor="cli", on_progress=on_progress)
    typer.echo(t(f"刷新完成（{out['kind']}）：读取 {out['rows_read']:,} 行，表中现有 {out['rows_total']:,} 行，"
                 f"{_fmt_bytes(out['bytes'])}，用时 {out['duration_s']} 秒。",
                 f"Refreshed ({out['kind']}): read {out['rows_read']:,} rows, the table has {out['rows_total']:,}, "
                 f"{_fmt_bytes(out['bytes'])}, in {out['duration_s']} s."))
    if out.get("schema_changes"):
        typer.echo(t("  源表的列有变化：", "  The source's columns changed: ")
                   + json.dumps(out["schema_changes"], ensure_ascii=False), err=True)
