"""`shuzhi assess`: the 专精特新 self-assessment from the shell.

    shuzhi assess [--year YYYY] [--format json|table] [--user NAME]     the assessment (the group's own call)
    shuzhi assess answer KEY VALUE                                       store an answer (VALUE "-" clears it)
    shuzhi assess answers [--format json|table]                          the items to answer and their answers
    shuzhi assess report -o FILE [--year YYYY] [--user NAME]             the printable report as a PDF

`--user NAME` answers as that user (their row and column rules apply); without it the shell's operator
sees everything, as with `shuzhi query`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from shuzhi.cli.common import cli_path, console, lang, runtime, served, t, user_context
from shuzhi.errors import ShuzhiError

assess_app = typer.Typer(help="专精特新「小巨人」自评。The 专精特新 / Little Giant self-assessment.",
                         invoke_without_command=True, no_args_is_help=False)

USER_HELP = "Answer as this user (their row and column rules apply)."


def _fmt(fmt: str) -> str:
    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    return fmt


def _shown(v: Any, unit: str | None) -> str:
    if v is None:
        return "—"
    if unit == "bool":
        return t("是", "yes") if v else t("否", "no")
    if unit in ("ratio", "%", "元"):
        from shuzhi.results.format import format_value

        return format_value(v, "currency" if unit == "元" else "percent", lang(), style="sentence")
    return f"{v:g}" if isinstance(v, int | float) else str(v)


def _met(v: bool | None, applicable: bool | None) -> str:
    if applicable is False:
        return t("不适用", "n/a")
    return {True: t("✓ 达标", "✓ met"), False: t("✗ 未达标", "✗ not met"), None: t("? 待补充", "? unknown")}[v]


def _table(out: dict[str, Any]) -> None:
    from rich.table import Table

    en = lang() == "en"
    con = console()
    for lv in out["summary"]["levels"]:
        name = lv["level_en"] if en else lv["level"]
        verdict = lv["verdict_text_en"] if en else lv["verdict_text"]
        table = Table(title=f"{name} · {out['year']} · {verdict} ({lv['met']}/{lv['total'] - lv['not_applicable']})")
        for col in (t("类别", "Category"), t("指标", "Criterion"), t("本企业", "Value"), t("门槛", "Threshold"),
                    t("结果", "Result"), t("差距", "Gap")):
            table.add_column(col, overflow="fold")
        for c in out["criteria"]:
            if c["level"] != lv["level"]:
                continue
            table.add_row(c["category_en"] if en else c["category"], c["name_en"] if en else c["name"],
                          _shown(c["value"], c["unit"]), f"{c['op']} {_shown(c['threshold'], c['unit'])}",
                          _met(c["met"], c["applicable"]), (c["gap_text_en"] if en else c["gap_text"]) or "")
        con.print(table)
    asks = [q for q in out["questions"] if q["value"] is None]
    if asks:
        typer.echo(t("待填报（shuzhi assess answer KEY VALUE）：", "To answer (shuzhi assess answer KEY VALUE):"))
        for q in asks:
            typer.echo(f"  {q['key']}: {q['label_en'] if en else q['label']}")


@assess_app.callback()
def assess(
    ctx: typer.Context,
    year: int = typer.Option(None, "--year", help="The assessment year (default: this year); the criteria read "
                             "the years before it."),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    user: str = typer.Option(None, "--user", help=USER_HELP),
) -> None:
    """The 专精特新 self-assessment: every criterion with its value, threshold, result and gap. 专精特新自评。"""
    if ctx.invoked_subcommand is not None:
        return
    from shuzhi.service.assess import assess as run

    _fmt(fmt)
    rt = runtime()
    out = run(rt, user_context(rt, user), year=year)
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    _table(out)


@assess_app.command("answer")
def answer(
    key: str = typer.Argument(..., help="The item, e.g. years_in_niche (see `shuzhi assess answers`)."),
    value: str = typer.Argument(..., help='Its value: a number (35%, 3000万 allowed), 是/否, a list "a,b"; '
                                "- clears it."),
    user: str = typer.Option(None, "--user", help="Record the answer as this user."),
) -> None:
    """Store an answer the data cannot give (years in the niche, employees, ...). 填报自评项。"""
    from shuzhi.service.assess import save_answers

    rt = runtime()
    out = save_answers(rt, user_context(rt, user), {key: None if value.strip() == "-" else value})
    stored = out["answers"].get(key)
    typer.echo(t(f"已保存 {key} = {stored}" if stored is not None else f"已清除 {key}",
                 f"Saved {key} = {stored}" if stored is not None else f"Cleared {key}"))


@assess_app.command("answers")
def answers(fmt: str = typer.Option("table", "--format", help="json or table.")) -> None:
    """The items the data cannot show, and the answers stored. 自评填报项及已填内容。"""
    from shuzhi.service.assess import questions

    _fmt(fmt)
    out = questions(runtime())
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    en = lang() == "en"
    for q in out["questions"]:
        typer.echo(f"{q['key']} ({q['type']}) = {q['value'] if q['value'] is not None else '—'}  "
                   f"{q['label_en'] if en else q['label']}")


@assess_app.command("report")
def report(
    out: Path = typer.Option(..., "--output", "-o", help="The PDF file to write. 输出文件。"),
    year: int = typer.Option(None, "--year", help="The assessment year (default: this year)."),
    user: str = typer.Option(None, "--user", help="Draw as this user (row rules apply); default: the first admin."),
) -> None:
    """The self-assessment as a PDF, drawn from the web page by headless Chromium. 自评报告 PDF。"""
    from shuzhi.service import renders
    from shuzhi.service.assess_report import report_pdf

    out = cli_path(out)
    if not out.parent.is_dir():
        raise ShuzhiError("bad_output_path", f"输出目录不存在：{out.parent}",
                          f"The output folder does not exist: {out.parent}")
    rt = runtime()
    try:
        who = user or renders.default_user(rt)
        if served() is not None and renders.server_url(rt):  # run in `shuzhi serve`: its own web app draws
            data = report_pdf(rt, who, year, base_url=renders.server_url(rt))
        else:
            from shuzhi.api.inprocess import serve_in_process

            with serve_in_process(rt) as base_url:
                data = report_pdf(rt, who, year, base_url=base_url)
        renders.write_atomic(out, data)
    finally:
        rt.close()
    typer.echo(t(f"已导出自评报告（PDF，{len(data):,} 字节）→ {out}",
                 f"Exported the self-assessment (PDF, {len(data):,} bytes) → {out}"))
