"""`shuzhi rd efficiency [--field F] --format json|table`: the R&D efficiency report from the shell.

`--user NAME` answers as that user (their row and column rules apply, as in the API, which always
answers as the caller); without it the shell's operator sees everything, as with `shuzhi query`.
The JSON is exactly the body of GET /api/v1/rd/efficiency (service/rd_efficiency.py).
"""

from __future__ import annotations

import json
from typing import Any

import typer

from shuzhi.cli.common import lang, runtime, t, user_context
from shuzhi.errors import ShuzhiError


def _n(v: float | None, fmt: str | None = None) -> str:
    from shuzhi.results.format import format_value

    return format_value(v, fmt, lang(), style="sentence")


def _table(out: dict[str, Any]) -> None:
    en = lang() == "en"
    typer.echo(out["summary"]["en" if en else "zh"])
    typer.echo("")
    typer.echo(t("研发漏斗（按技术领域、年份；各环节按自己的日期归属年份）",
                 "The funnel per field and year (each stage dated by its own date)"))
    typer.echo("\t".join([t("技术领域", "Field"), t("年", "Year"), t("研发投入", "R&D spend"), t("专利申请", "Applied"),
                          t("专利授权", "Granted"), t("已转化", "Commercialised"), t("新产品销售额", "New-product revenue")]))
    for f in out["funnel"]:
        for y in f["years"]:
            typer.echo("\t".join([f["tech_field"], str(y["year"]), _n(y["rd_spend"], "currency"),
                                  str(y["patent_applications"]), str(y["patents_granted"]),
                                  str(y["commercialized_patents"]), _n(y["new_product_revenue"], "currency")]))
    typer.echo("")
    typer.echo(t("滞后", "Lags"))
    for lag in out["lags"]:
        typer.echo(f"* {lag['text']['en' if en else 'zh']}")
    b = out["budget"]
    typer.echo("")
    typer.echo(t(f"预算执行：{b['over_budget_count']} 个项目超预算，{b['ahead_of_plan_count']} 个在研项目快于计划",
                 f"Budgets: {b['over_budget_count']} projects over budget, {b['ahead_of_plan_count']} running ahead of plan"))
    for p in [p for p in b["projects"] if p["flagged"]]:
        flag = t("超预算", "over budget") if p["over_budget"] else t("快于计划", "ahead of plan")
        typer.echo(f"  {p['project_id']}\t{p['project_name']}\t{p['status']}\t{_n(p['budget'], 'currency')}\t"
                   f"{_n(p['spend'], 'currency')}\t{_n(p['execution'], 'percent')}\t{flag}")
    g = out["grant_time"]
    typer.echo("")
    typer.echo(t(f"授权用时：平均 {_n(g['avg_months'])} 个月（{g['granted']} 件）",
                 f"Time to grant: {_n(g['avg_months'])} months on average ({g['granted']} patents)"))
    for r in g["by_type"]:
        typer.echo(f"  {r['patent_type']}\t{_n(r['avg_months'])}\t{r['granted']}")
    for n in out.get("notes", []):
        typer.echo(f"* {n['en' if en else 'zh']}")


def efficiency(
    field: str = typer.Option(None, "--field", help="One technology field, e.g. 精密传动."),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    user: str = typer.Option(None, "--user", help="Answer as this user (their row and column rules apply)."),
) -> None:
    """R&D efficiency: funnel with lags, budget overruns, time to grant. 研发效率分析。"""
    from shuzhi.service.rd_efficiency import efficiency as run

    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    rt = runtime()
    out = run(rt, user_context(rt, user), field=field)
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    _table(out)
