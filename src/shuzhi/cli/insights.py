"""`shuzhi forecast`, `shuzhi anomalies`, `shuzhi explain`: insights from the shell.

`--user NAME` answers as that user (their row and column rules apply, as in the API, which always
answers as the caller); without it the shell's operator sees everything, as with `shuzhi query`.
"""

from __future__ import annotations

import json
from typing import Any

import typer

from shuzhi.cli.common import lang, runtime, t, user_context
from shuzhi.errors import ShuzhiError


def _where(text: str | None) -> list[dict[str, Any]] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ShuzhiError("where_not_json", f"--where 不是有效的 JSON：{exc.msg}",
                          f"--where is not valid JSON: {exc.msg}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise ShuzhiError("where_not_list", "--where 应是一个筛选条件或条件列表（JSON）。",
                          "--where must be a filter or a list of filters (JSON).")
    return data


def _fmt(fmt: str) -> str:
    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    return fmt


USER_HELP = "Answer as this user (their row and column rules apply)."


MODEL_HELP = "Model name (default: the default model); a direct-mode model is read live on its database."


def _source(user: str | None = None, model: str | None = None):  # type: ignore[no-untyped-def]
    from shuzhi.service.insights import source

    rt = runtime()
    return source(rt, user_context(rt, user), model=model)


def _notes(notes: list[dict[str, Any]], indent: str = "") -> None:
    for n in notes:
        typer.echo(f"{indent}* {n['en'] if lang() == 'en' else n['zh']}")


def _n(v: float | None, fmt: str | None = None) -> str:
    """A value as people read it: the metric's format (¥1.41亿, 12.5%), else four significant digits."""
    from shuzhi.results.format import format_value

    return format_value(v, fmt, lang(), style="sentence")


def forecast(
    metric: str = typer.Option(..., "--metric", help="Metric name, e.g. revenue."),
    grain: str = typer.Option("month", "--grain", help="day, week, month, quarter or year."),
    horizon: int = typer.Option(6, "--horizon", help="Periods to forecast."),
    by: str = typer.Option(None, "--by", help="Split into one series per member of this dimension."),
    where: str = typer.Option(None, "--where", help='Filters as JSON, e.g. \'[{"field": "customers.region", '
                              '"op": "=", "value": "华东"}]\'.'),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    model: str = typer.Option(None, "--model", help=MODEL_HELP),
) -> None:
    """Forecast a metric with 80 % / 95 % intervals. 指标预测（含预测区间）。"""
    from shuzhi.ai.insights.forecast import forecast as run

    _fmt(fmt)
    out = run(_source(user, model), metric, grain, horizon, by=by, where=_where(where))
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    _notes(out["notes"])
    for s in out["series"]:
        bt = s["backtest"] or {}
        head = f"[{s['key']}] " if s["key"] is not None else ""
        model = t("组合", "Combination") if s["model"] == "Combination" else s["model"]
        typer.echo(f"{head}{t('模型', 'model')}: {model}  {t('回测误差', 'backtest error')}: MAPE "
                   f"{_n(bt.get('mape'), 'percent')}  sMAPE {_n(bt.get('smape'), 'percent')}  MASE "
                   f"{'—' if bt.get('mase') is None else format(bt['mase'], '.2f')}")
        _notes(s["notes"], "  ")
        f = out.get("format")
        for r in s["forecast"]:
            typer.echo(f"  {r['label']}\t{_n(r['value'], f)}\t80% [{_n(r['lower80'], f)}, {_n(r['upper80'], f)}]"
                       f"\t95% [{_n(r['lower95'], f)}, {_n(r['upper95'], f)}]")


def anomalies(
    metric: str = typer.Option(..., "--metric", help="Metric name, e.g. defect_rate."),
    grain: str = typer.Option("month", "--grain", help="day, week, month, quarter or year."),
    by: str = typer.Option(None, "--by", help="Check each member of this dimension separately."),
    where: str = typer.Option(None, "--where", help="Filters as JSON."),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    model: str = typer.Option(None, "--model", help=MODEL_HELP),
) -> None:
    """List anomalies in a metric's history. 指标异常检测。"""
    from shuzhi.ai.insights.anomalies import anomalies as run

    _fmt(fmt)
    out = run(_source(user, model), metric, grain, by=by, where=_where(where))
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    _notes(out["notes"])
    if not out["anomalies"]:
        typer.echo(t("未发现异常。", "No anomalies found."))
    for a in out["anomalies"]:
        typer.echo(f"[{a['severity']}] {a['description_en'] if lang() == 'en' else a['description_zh']}")


def explain(
    metric: str = typer.Option(..., "--metric", help="Metric name, e.g. revenue."),
    to: str = typer.Option(..., "--to", help="The period to explain: 2025-06, 2025-Q2, 2025 or 2025-06-15."),
    frm: str = typer.Option(None, "--from", help="Compare with this period (default: the one before --to)."),
    by: list[str] = typer.Option(None, "--by", help="Dimension(s) to break down by (default: all candidates)."),
    where: str = typer.Option(None, "--where", help="Filters as JSON."),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    user: str = typer.Option(None, "--user", help=USER_HELP),
    model: str = typer.Option(None, "--model", help=MODEL_HELP),
) -> None:
    """Explain why a metric changed between two periods. 指标变化归因。"""
    from shuzhi.ai.insights.attribution import explain as run

    _fmt(fmt)
    out = run(_source(user, model), metric, to, frm, by=by or None, where=_where(where))
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    from shuzhi.results.format import format_change

    typer.echo(out["summary_en"] if lang() == "en" else out["summary_zh"])
    f, lg = out.get("format"), lang()
    typer.echo(t("（各维度按解释力排序；成员按「意外程度」排序：扣除随总体同步变化后剩下的贡献）",
                 "(dimensions by score; members by surprise: the contribution beyond moving with the total)"))
    for d in out["dimensions"]:
        score = (t("解释力", "score") + f" {d['score']:.2f}" if d["members"] >= 3
                 else t("未评分（成员少于 3 个）", "not scored (fewer than 3 members)"))
        typer.echo(f"{d['label_en'] if lg == 'en' else d['label']} ({d['dimension']})  {score}")
        for m in d["top"][:5]:
            share = (f"  {t('占变化', 'share')} {m['share_of_change']:.0%}" if m.get("share_of_change") is not None
                     else "")
            extra = (f"  {t('结构', 'mix')} {format_change(m['mix_effect'], f, lg)}  {t('比率', 'rate')} "
                     f"{format_change(m['rate_effect'], f, lg)}" if "mix_effect" in m else "")
            typer.echo(f"  {m['rank']}. {m['member']}\t{format_change(m['contribution'], f, lg)}{share}{extra}")
