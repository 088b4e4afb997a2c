"""`shuzhi export`: results and dashboards as files (query → XLSX/CSV; dashboard → PDF/PNG/XLSX).

The group only; each subcommand lives in its own module and is registered here.
"""

from __future__ import annotations

import typer

export_app = typer.Typer(help="导出查询结果或仪表板为文件 / Export query results or dashboards as files.", no_args_is_help=True)

from shuzhi.cli.export_dashboard import export_dashboard  # noqa: E402 - registered on the group above

export_app.command("dashboard")(export_dashboard)
