"""`shuzhi import PATH`: preview a file or load it into the warehouse (with a progress bar)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from shuzhi.cli.common import cli_path, console, lang, runtime, served, t, warehouse_readable
from shuzhi.errors import ShuzhiError


def import_file(
    path: Path = typer.Argument(..., help="CSV/TSV/TXT, Excel (.xlsx/.xls), Parquet, JSON or NDJSON file."),
    table: str = typer.Option(None, "--table", help="Warehouse table name (default: from the file name)."),
    sheet: str = typer.Option(None, "--sheet", help="Excel sheet (default: the first)."),
    encoding: str = typer.Option(None, "--encoding", help="Text encoding: utf-8, gbk, gb18030, utf-16 (default: detected)."),
    mode: str = typer.Option("replace", "--mode", help="replace, append or upsert."),
    key: list[str] = typer.Option(None, "--key", help="Key column(s) for --mode upsert (name or label; repeat or comma-separate)."),
    header_row: int = typer.Option(None, "--header-row", min=0, help="1-based row of the header (0: no header; default: detected)."),
    delimiter: str = typer.Option(None, "--delimiter", help="Field delimiter for text files (default: detected)."),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help="Import the good rows; keep bad ones in <table>__rejects."),
    keep_totals: bool = typer.Option(False, "--keep-totals", help="Keep Excel totals rows (合计/总计) instead of leaving them out."),
    force: bool = typer.Option(False, "--force", help="Allow replacing a table that no import created (e.g. a demo table)."),
    types: list[str] = typer.Option(None, "--type", help="Override a column type, e.g. --type 金额=DOUBLE (repeatable)."),
    preview: bool = typer.Option(False, "--preview", help="Only show what would be imported."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    user: str = typer.Option(None, "--user", help="Record the import as this user."),
) -> None:
    """Import a file into the warehouse. 把文件导入数据仓库。"""
    from shuzhi.service import imports as imp

    if fmt not in ("table", "json"):
        raise ShuzhiError("bad_format", f"--format 只能是 table 或 json，不能是 {fmt}。",
                          f"--format must be table or json, not {fmt}.")
    path = cli_path(path)
    if not path.is_file():
        raise ShuzhiError("file_not_found", f"找不到文件 {path}。", f"The file {path} does not exist.", 404)
    opts = imp.ImportOptions(table=table, sheet=sheet, encoding=encoding, delimiter=_delim(delimiter),
                             header_row=header_row, mode=mode, key=list(key or []), skip_bad_rows=skip_bad_rows,
                             keep_totals=keep_totals, force=force)
    rt = runtime()
    # The sandboxed warehouse reads only this file outside SHUZHI_HOME (served: a link to it in SHUZHI_HOME/tmp).
    name = path.name
    try:
        with warehouse_readable(rt, path) as readable:
            if types:
                opts.columns = _type_overrides(rt, readable, opts, types)
            if preview:
                _show_preview(imp.preview(rt, readable, name, opts), fmt)
                return
            result = _run_import(rt, readable, name, opts, user, fmt)
    finally:
        rt.close()
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, default=str))
        return
    typer.echo(t(f"已导入 {result['rows']:,} 行到表 {result['table']}（{result['mode']}；表中现有 {result['table_rows']:,} 行）。",
                 f"Imported {result['rows']:,} rows into {result['table']} ({result['mode']}; the table now has "
                 f"{result['table_rows']:,} rows)."))
    if result["mode"] == "upsert":
        typer.echo(t(f"  更新 {result['updated']:,} 行，新增 {result['inserted']:,} 行。",
                     f"  {result['updated']:,} rows updated, {result['inserted']:,} inserted."))
    if result.get("duplicates_removed"):
        n = result["duplicates_removed"]
        typer.echo(t(f"  表中有重复的键：每个更新的键原有的多行（多出 {n:,} 行）已由文件中的一行取代。",
                     f"  The table held some keys more than once: each updated key's rows ({n:,} extra) were "
                     "replaced by the file's one row."))
    if result["rejected"]:
        typer.echo(t(f"  跳过 {result['rejected']:,} 个错误行，已存入 {result['rejects_table']}：",
                     f"  Skipped {result['rejected']:,} bad rows, kept in {result['rejects_table']}:"), err=True)
        for r in result["rejects"][:10]:
            typer.echo("    " + t(f"第 {r['line']} 行", f"line {r['line']}") + f": {r['message']}", err=True)
    if result["totals_rows"]:
        typer.echo(t(f"  合计行 {result['totals_rows']} 未导入（--keep-totals 可保留）。",
                     f"  Totals rows {result['totals_rows']} were left out (--keep-totals keeps them)."))
    if result.get("footer_rows"):
        typer.echo(t(f"  表格下方的备注行 {result['footer_rows']} 未导入。",
                     f"  Notes rows {result['footer_rows']} below the table were left out."))


def _run_import(rt, path: Path, name: str, opts, user: str | None, fmt: str) -> dict:  # type: ignore[no-untyped-def]
    """The import with a progress bar here, or its steps as lines when served (the caller's terminal
    is not this process's)."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from shuzhi.service import imports as imp

    shown: list[str] = []
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                  TimeElapsedColumn(), transient=True, disable=fmt == "json" or served() is not None) as bar:
        task = bar.add_task(t("导入", "Importing"), total=1.0)

        def on_progress(fraction: float, message: str | None) -> None:
            label = (message or "").split(" / ")
            text = (label[-1] if lang() == "en" else label[0]) or ""
            bar.update(task, completed=fraction, description=text)
            if served() is not None and fmt != "json" and text and text not in shown:
                shown.append(text)
                typer.echo(f"{t('导入', 'Importing')}: {text}", err=True)

        return imp.run_import_inline(rt, path, name, opts, user=user, on_progress=on_progress)


def _delim(value: str | None) -> str | None:
    if value is None:
        return None
    v = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(value.lower(), value)
    if len(v) != 1:
        raise ShuzhiError("bad_delimiter", f"分隔符必须是一个字符（或 tab），不能是「{value}」。",
                          f"The delimiter must be one character (or tab), not '{value}'.")
    return v


def _type_overrides(rt, path: Path, opts, types: list[str]) -> list[dict]:  # type: ignore[no-untyped-def]
    from shuzhi.service import imports as imp

    cols = imp.preview(rt, path, path.name, opts)["columns"]
    out = [{} for _ in cols]
    for item in types:
        name, sep, typ = item.partition("=")
        idx = next((i for i, c in enumerate(cols) if name.strip() in (c["name"], c["label"])), None)
        if not sep or idx is None:
            raise ShuzhiError("bad_type_override", f"--type 应写成 列名=类型，且列必须存在：{item}",
                              f"--type must be COLUMN=TYPE with an existing column: {item}",
                              details={"columns": [c["label"] for c in cols]})
        out[idx] = {"type": typ.strip()}
    return out


def _show_preview(p: dict, fmt: str) -> None:
    from rich.table import Table

    if fmt == "json":
        typer.echo(json.dumps(p, ensure_ascii=False, default=str))
        return
    con = console()
    facts = [f"{t('格式', 'format')}: {p['format']}", f"{t('表', 'table')}: {p['table']}"]
    if p["encoding"]:
        facts.append(f"{t('编码', 'encoding')}: {p['encoding']}")
    if p["delimiter"]:
        facts.append(f"{t('分隔符', 'delimiter')}: {p['delimiter']!r}")
    if p["sheet"]:
        facts.append(f"{t('工作表', 'sheet')}: {p['sheet']} ({', '.join(s['name'] for s in p['sheets'])})")
    facts.append(f"{t('表头行', 'header row')}: {p['header_row'] or t('无', 'none')}")
    facts.append(f"{t('识别可信度', 'confidence')}: {p['confidence']}"
                 + (f" ({', '.join(p['confidence_reasons'])})" if p.get("confidence_reasons") else ""))
    if p.get("data_rows") is not None:
        facts.append(f"{t('数据行', 'data rows')}: {p['data_rows']:,}")
    con.print("  ".join(facts))
    if p["totals_rows"]:
        con.print(t(f"合计行（不导入）：{p['totals_rows']}", f"Totals rows (left out): {p['totals_rows']}"))
    if p.get("footer_rows"):
        con.print(t(f"备注行（不导入）：{p['footer_rows']}", f"Notes rows (left out): {p['footer_rows']}"))
    out = Table()
    for c in p["columns"]:
        out.add_column(f"{c['label']}\n{c['name']}\n{c['type']}")
    for row in p["rows"]:
        out.add_row(*("" if v is None else str(v) for v in row))
    con.print(out)


def upgrade_names(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only list what would be renamed."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Give columns of older imports their header text as name (also done on every start).
    把旧版本导入的列名（c_9e4f1d 等）改为表头文字，并改写模型与数据集中的引用。"""
    from shuzhi.service.name_migration import upgrade_column_names

    rt = runtime(start=False)
    rt.start(create_admin=False)
    try:
        report = upgrade_column_names(rt, dry_run=dry_run)
    finally:
        rt.close()
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    if not report.tables:
        typer.echo(t("没有需要升级的列名。", "No column names to upgrade."))
        return
    for table, pairs in report.tables.items():
        verb = t("将重命名" if dry_run else "已重命名", "would rename" if dry_run else "renamed")
        typer.echo(f"{table}: {verb} " + ", ".join(f"{o} → {n}" for o, n in pairs))
    if report.models:
        typer.echo(t(f"已改写模型：{'、'.join(report.models)}", f"Models rewritten: {', '.join(report.models)}"))
    if report.datasets:
        typer.echo(t(f"已改写数据集：{'、'.join(report.datasets)}", f"Datasets rewritten: {', '.join(report.datasets)}"))
    if report.needs_attention:
        typer.echo(t(f"请检查这些数据集（它们追加合并了改名的表）：{'、'.join(report.needs_attention)}",
                     f"Check these datasets (they union a renamed table): {', '.join(report.needs_attention)}"),
                   err=True)
