"""`shuzhi audit`: read, export and verify the audit log from the shell.

    shuzhi audit list [--since DATE] [--until DATE] [--user NAME] [--action ACTION] [--limit N] [--format json|table]
        json: {"events": [{"at", "user", "action", "target", "ip", "detail", ...}, ...], "total": N}
    shuzhi audit verify             exit 0 when the hash chain is intact; else 1, naming the first broken record
    shuzhi audit export -o FILE [filters]     XLSX or CSV by the file's suffix
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import typer

from shuzhi.cli.common import cli_path, console, runtime, t
from shuzhi.errors import ShuzhiError

audit_app = typer.Typer(help="审计日志：查询、导出、校验。The audit log: search, export, verify.", no_args_is_help=True)

SINCE_HELP = "Events on or after this date or time (YYYY-MM-DD or ISO time; UTC when no zone)."
ACTION_HELP = "An action (dashboard.update) or a family (dashboard, auth)."


def _when(text: str | None, opt: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ShuzhiError("bad_date", f"{opt} 不是日期或时间：{text}（例如 2026-12-01 或 2026-12-01T08:00）。",
                          f"{opt} is not a date or time: {text} (e.g. 2026-12-01 or 2026-12-01T08:00).") from None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _filters(since: str | None, until: str | None, user: str | None, action: str | None, target: str | None):  # type: ignore[no-untyped-def]
    from shuzhi.catalog.audit import Filters

    return Filters(since=_when(since, "--since"), until=_when(until, "--until"), user=user, action=action,
                   target=target)


@audit_app.command("list")
def list_(
    since: str = typer.Option(None, "--since", help=SINCE_HELP),
    until: str = typer.Option(None, "--until", help="Events before this date or time."),
    user: str = typer.Option(None, "--user", help="Only this user's events."),
    action: str = typer.Option(None, "--action", help=ACTION_HELP),
    target: str = typer.Option(None, "--target", help="Part of the target's name."),
    limit: int = typer.Option(100, "--limit", min=1, max=1000, help="At most this many (newest first)."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List audit events, newest first. 列出审计事件（最新在前）。"""
    from shuzhi.service import audit as svc

    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    page = svc.list_events(runtime(), _filters(since, until, user, action, target), limit=limit)
    if fmt == "json":
        typer.echo(json.dumps({"events": [e.model_dump(mode="json") for e in page.events], "total": page.total},
                              ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(t("时间", "time"), t("用户", "user"), t("操作", "action"), t("对象", "target"), "IP",
                  t("详情", "detail"))
    for e in page.events:
        detail = json.dumps(e.detail, ensure_ascii=False)[:80] if e.detail else ""
        table.add_row(e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), e.user or "—", e.action, e.target or "",
                      e.ip or "", detail)
    console().print(table)
    shown = len(page.events)
    typer.echo(t(f"共 {page.total} 条，显示最新 {shown} 条。", f"{page.total} events, the newest {shown} shown."))


@audit_app.command("verify")
def verify() -> None:
    """Check the hash chain; exit 1 at the first broken record. 校验审计链（断开时退出码 1）。"""
    from shuzhi.service import audit as svc

    v = svc.verify(runtime())
    typer.echo(t(v.message, v.message_en))
    if v.ok:
        typer.echo(t(f"最新哈希（可另行保存以便日后比对）：{v.head_hash}",
                     f"Head hash (keep it elsewhere to compare later): {v.head_hash}"))
        return
    raise typer.Exit(code=1)


@audit_app.command("export")
def export(
    out: Path = typer.Option(..., "--output", "-o", help="The file to write: .xlsx or .csv."),
    since: str = typer.Option(None, "--since", help=SINCE_HELP),
    until: str = typer.Option(None, "--until", help="Events before this date or time."),
    user: str = typer.Option(None, "--user", help="Only this user's events."),
    action: str = typer.Option(None, "--action", help=ACTION_HELP),
) -> None:
    """Export matching events as XLSX or CSV. 导出审计事件（XLSX 或 CSV）。"""
    from shuzhi.service import audit as svc

    dest = cli_path(out)
    fmt = dest.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        raise ShuzhiError("bad_format", f"导出文件须以 .xlsx 或 .csv 结尾：{dest.name}",
                          f"The export file must end in .xlsx or .csv: {dest.name}")
    path = svc.export(runtime(), _filters(since, until, user, action, None), fmt)  # type: ignore[arg-type]
    try:
        shutil.move(path, dest)
    except OSError as exc:
        Path(path).unlink(missing_ok=True)
        raise ShuzhiError("file_unwritable", f"无法写入 {dest}：{exc.strerror}",
                          f"Cannot write {dest}: {exc.strerror}") from None
    typer.echo(t(f"已导出到 {dest}", f"Exported to {dest}"))
