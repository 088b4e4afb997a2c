"""`shuzhi export dashboard NAME --format pdf|png|xlsx -o FILE [--filter FIELD=VALUE ...] [--user NAME]`.

PDF and PNG are drawn by headless Chromium from the real dashboard page; no running server is needed:
the command serves the web app of its own Runtime on 127.0.0.1 (an ephemeral port, a thread) for the
render and stops it after (api.inprocess). The render runs as --user (default: the first administrator),
so their row rules apply. The file is written through a temp file and renamed: whole or absent.
"""

from __future__ import annotations

from pathlib import Path

import typer

from shuzhi.cli.common import runtime, t
from shuzhi.errors import ShuzhiError


def export_dashboard(
    name: str = typer.Argument(..., help="Dashboard name (slug) or id. 仪表板名称或 id。"),
    fmt: str = typer.Option(..., "--format", "-f", help="pdf | png | xlsx"),
    out: Path = typer.Option(..., "--output", "-o", help="The file to write. 输出文件。"),
    filters: list[str] = typer.Option(  # noqa: B006 - typer reads the default
        [],
        "--filter",
        help="FIELD=VALUE, repeatable: a filter's id, title, label or field (地区=华东, "
        "customers.region=华东,华南, 期间=this_year, 期间=2025-01-01..2025-06-30). 固定筛选值。",
    ),
    user: str | None = typer.Option(
        None, "--user", help="Render as this user (row rules apply). 以该用户身份导出。"
    ),
    width: int = typer.Option(
        1280, "--width", help="Page width in pixels: 1280 desktop, 390 phone. 页面宽度。"
    ),
) -> None:
    """Export a dashboard as PDF, PNG (drawn from the real page) or XLSX. 导出仪表板。"""
    from shuzhi.delivery.render import check_width
    from shuzhi.service import renders

    fmt = fmt.lower()
    if fmt not in renders.FORMATS:
        raise ShuzhiError(
            "bad_export_format", "格式只能是 pdf、png 或 xlsx。", "The format must be pdf, png or xlsx."
        )
    check_width(width)
    out = out.expanduser()
    if not out.parent.is_dir():
        raise ShuzhiError(
            "bad_output_path",
            f"输出目录不存在：{out.parent}",
            f"The output folder does not exist: {out.parent}",
        )
    rt = runtime()
    try:
        prepared = renders.prepare(rt, name, user or renders.default_user(rt), filters)
        if fmt == "xlsx":
            data = renders.render(rt, prepared, fmt, base_url=None)
        else:
            from shuzhi.api.inprocess import serve_in_process

            with serve_in_process(rt) as base_url:
                data = renders.render(rt, prepared, fmt, base_url=base_url, width=width)
        renders.write_atomic(out, data)
    finally:
        rt.close()
    typer.echo(
        t(
            f"已导出 {prepared.title}（{fmt.upper()}，{len(data):,} 字节）→ {out}",
            f"Exported {prepared.title} ({fmt.upper()}, {len(data):,} bytes) → {out}",
        )
    )
