"""`shuzhi rd …`: innovation intelligence from the shell (issue 17): the group `rd_app`; each analysis
registers its command here in one line (`rd efficiency` lives in cli/rd_efficiency.py, `rd allocate` in
cli/rd_allocate.py).

    shuzhi rd hotspots [--field F] [--years N] --format json|table
    shuzhi rd whitespace [--field F] [--years N] --format json|table

`--format json` prints exactly the service's dict (service.rd_hotspots), the API's response body.
`--user NAME` answers as that user (their row and column rules apply); without it the operator sees all.
"""

from __future__ import annotations

import json
from typing import Any

import typer

from shuzhi.cli.common import lang, runtime, t, user_context
from shuzhi.cli.rd_allocate import IdListCommand, allocate
from shuzhi.cli.rd_efficiency import efficiency
from shuzhi.errors import ShuzhiError

rd_app = typer.Typer(help="R&D and innovation intelligence. 研发与创新智能。", no_args_is_help=True)

USER_HELP = "Answer as this user (their row and column rules apply)."
FIELD_HELP = "Only this tech field, e.g. 精密传动."
YEARS_HELP = "Only the patents of the last N years."


def _fmt(fmt: str) -> str:
    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    return fmt


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:+.0%}"


def _spark(periods: list[dict[str, Any]], n: int = 8) -> str:
    """The last `n` quarters' shares as a bar of eighth blocks."""
    bars = "▁▂▃▄▅▆▇█"
    vals = [p["share"] for p in periods[-n:]]
    top = max(vals, default=0) or 1
    return "".join(bars[min(7, int(v / top * 7.999))] for v in vals)


def _apps(rows: list[dict[str, Any]], n: int = 3) -> str:
    return "、".join(f"{a['applicant']}({a['recent']})" for a in rows[:n]) or "—"


def _topics(title: str, rows: list[dict[str, Any]], limit: int) -> None:
    typer.echo(f"\n{title}")
    if not rows:
        typer.echo("  " + t("（无）", "(none)"))
        return
    typer.echo("  " + t("主题 | 近12月/前12月 | 占比变化 | 近8季走势 | 主要申请人(近12月) | 本公司件数/占比",
                        "topic | last 12 m / 12 m before | share change | last 8 quarters | main applicants | "
                        "company patents / share"))
    for i, r in enumerate(rows[:limit], 1):
        c = r["company"]
        typer.echo(f"  {i}. {r['topic']}  [{r['tech_field']}]  {r['recent']}/{r['previous']}  {_pct(r['growth'])}  "
                   f"{_spark(r['periods'])}  {_apps(r['applicants'])}  {c['patents']} / {c['share']:.1%}")
        typer.echo(f"     {t('关键词', 'terms')}: {'、'.join(r['terms'][:6])}")
        if r["examples"]:
            e = r["examples"][0]
            typer.echo(f"     {t('例', 'e.g.')}: {e['title']}（{e['applicant']}，{e['application_date']}）")


def _answer(run: Any, field: str | None, years: int | None, fmt: str, user: str | None) -> dict[str, Any] | None:
    """The service's answer as `user`; printed as JSON (and None returned) for --format json."""
    _fmt(fmt)
    rt = runtime()
    out: dict[str, Any] = run(rt, user_context(rt, user), field=field, years=years)
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return None
    return out


def hotspots(
    field: str = typer.Option(None, "--field", help=FIELD_HELP),
    years: int = typer.Option(None, "--years", help=YEARS_HELP),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    limit: int = typer.Option(10, "--limit", help="Topics per list in the table format."),
    user: str = typer.Option(None, "--user", help=USER_HELP),
) -> None:
    """Rising, falling and steady patent topics. 专利技术热点（升温、降温、平稳）。"""
    from shuzhi.service.rd_hotspots import hotspots as run

    out = _answer(run, field, years, fmt, user)
    if out is None:
        return
    w = out["window"]
    scope = (field or t("全部技术领域", "all tech fields")) + (f"，{t('近', 'last ')}{years}{t('年', ' years')}" if years else "")
    typer.echo(t(f"技术热点（{scope}）：共 {out['patents']} 件专利；近12个月 {w['recent_patents']} 件，"
                 f"此前12个月 {w['previous_patents']} 件（截至 {w['end']}）。",
                 f"Technology hot spots ({scope}): {out['patents']} patents; {w['recent_patents']} in the last 12 "
                 f"months, {w['previous_patents']} in the 12 before (to {w['end']})."))
    typer.echo(t("占比变化 = 该主题在全部申请中的占比，近12个月相对此前12个月的变化。",
                 "Share change = the topic's share of all applications, last 12 months against the 12 before."))
    _topics(t("▲ 升温主题（升得最快的在前）", "▲ Rising (fastest first)"), out["rising"], limit)
    _topics(t("▼ 降温主题", "▼ Falling"), out["falling"], limit)
    _topics(t("＝ 平稳主题（按近12个月件数）", "= Steady (by the last 12 months)"), out["steady"], limit)
    m = out["method"]
    typer.echo("\n" + t(f"方法：主题聚类 {m['topics'].upper()}（一致性 " +
                        "，".join(f"{k.upper()} {v['coherence']:.3f}" for k, v in m["scores"].items()) + "，取高者）",
                        f"Method: topics by {m['topics'].upper()} (coherence " +
                        ", ".join(f"{k.upper()} {v['coherence']:.3f}" for k, v in m["scores"].items()) +
                        ", the higher wins)"))


def whitespace(
    field: str = typer.Option(None, "--field", help=FIELD_HELP),
    years: int = typer.Option(None, "--years", help=YEARS_HELP),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    limit: int = typer.Option(10, "--limit", help="Rows in the table format."),
    user: str = typer.Option(None, "--user", help=USER_HELP),
) -> None:
    """Sub-fields where the industry grows and the company is absent or thin. 技术空白（行业升温而本公司缺位的方向）。"""
    from shuzhi.service.rd_hotspots import whitespace as run

    out = _answer(run, field, years, fmt, user)
    if out is None:
        return
    typer.echo(t(f"技术空白：行业活跃且在增长、而{out['company']}没有或很少专利的细分方向（最值得关注的在前）。",
                 f"White spaces: sub-fields where the industry is active and growing and {out['company']} has few "
                 "or no patents (most promising first)."))
    if not out["white_spaces"]:
        typer.echo(t("未发现技术空白。", "No white space found."))
    for r in out["white_spaces"][:limit]:
        typer.echo(f"\n{r['rank']}. {r['subfield']}  [{r['tech_field']}]  {t('得分', 'score')} {r['score']:.1f}  "
                   f"{_spark(r['periods'])}")
        typer.echo(f"   {r['evidence']['en'] if lang() == 'en' else r['evidence']['zh']}")
        typer.echo(f"   {t('关键词', 'terms')}: {'、'.join(r['terms'][:6])}")
        typer.echo(f"   {t('主要申请人', 'main applicants')}: {_apps(r['applicants'])}")
        for e in r["examples"][:2]:
            typer.echo(f"   {t('例', 'e.g.')}: {e['title']}（{e['applicant']}，{e['application_date']}）")


rd_app.command("hotspots")(hotspots)
rd_app.command("whitespace")(whitespace)
rd_app.command("efficiency")(efficiency)
rd_app.command("allocate", cls=IdListCommand, context_settings={"allow_extra_args": True})(allocate)
