"""`shuzhi export query SPEC.json --format xlsx|csv -o FILE [--user NAME]`: a query's answer as a file.

The spec runs through the one query pipeline (service.query_export) as the operator or, with --user, as
that user (their row and column rules apply). The file appears only when complete: it is written to a
temporary file beside it and renamed.
"""

from __future__ import annotations

from pathlib import Path

import typer

from shuzhi.cli.common import cli_path, runtime, t, user_context
from shuzhi.errors import ShuzhiError


def export_query(
    spec: str = typer.Argument(..., help="QuerySpec JSON file, or - to read standard input."),
    fmt: str = typer.Option(..., "--format", help="xlsx or csv."),
    output: Path = typer.Option(..., "-o", "--output", help="The file to write (replaced when it exists)."),
    user: str = typer.Option(None, "--user", help="Export as this user (their row and column rules apply)."),
    title: str = typer.Option(None, "--title", help="The title row (default: the metrics and dimensions)."),
) -> None:
    """Export a query's answer as XLSX or CSV. 将查询结果导出为 XLSX 或 CSV。"""
    from shuzhi.cli.query import _read_json
    from shuzhi.service.query_export import check_format, export_query_to_file
    from shuzhi.spec.query_spec import parse_spec

    fmt = check_format(fmt)
    output = cli_path(output)
    if output.is_dir():
        raise ShuzhiError("export_target_is_folder", f"{output} 是一个目录，请给出文件名。",
                          f"{output} is a folder; give a file name.")
    data = _read_json(spec)
    qs = parse_spec(data)  # a bad spec: one bilingual error naming the paths
    rt = runtime()
    ctx = user_context(rt, user)
    exp, rows = export_query_to_file(rt, qs, ctx, fmt, output, title=title)
    as_of = t(f"，数据截至 {exp.as_of}", f", data as of {exp.as_of}") if exp.as_of else ""
    typer.echo(t(f"已导出 {rows} 行到 {output}{as_of}。", f"Exported {rows} rows to {output}{as_of}."))
