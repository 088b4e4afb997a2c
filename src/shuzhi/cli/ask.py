"""`shuzhi ask`: a question in Chinese or English, answered with the semantic model."""

from __future__ import annotations

import json
from typing import Any

import typer

from shuzhi.cli.common import console, lang, runtime, served, t, user_context
from shuzhi.errors import ShuzhiError


def ask(
    question: str = typer.Argument(..., help="e.g. \"上个月华东区各产品线销售额\" or \"top 5 customers by revenue this year\"."),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    user: str = typer.Option(None, "--user", help="Answer as this user (their row and column rules apply)."),
    choice: int = typer.Option(None, "--choice", help="Answer the question's clarification with its choice N (1-based)."),
) -> None:
    """Ask a business question in Chinese or English. 用中文或英文提问。"""
    from rich.table import Table

    from shuzhi.results.format import format_value
    from shuzhi.service.ask import ask as ask_question

    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    from shuzhi.service.ask_lexicon import one_question_process

    rt = runtime(use_cases=False)  # answering reads: no refresh, alert or subscription to wire
    if served() is None:  # this process answers this one question (in a server: its warm lexicons)
        one_question_process(rt)
    answer = ask_question(rt, question, user_context(rt, user), choice=choice)
    result = answer["result"]
    if fmt == "json":
        out = {"columns": result["columns"] if result else [], "rows": result["rows"] if result else [],
               "sql": result["sql"] if result else None, "spec": answer["spec"], "chart": answer["chart"],
               "interpretation": answer["interpretation"], "unknown": answer["unknown"],
               "confidence": answer["confidence"],
               **{k: answer.get(k) for k in ("intent", "summary", "yesno", "explanation", "forecast", "clarify",
                                             "innovation")}}
        typer.echo(json.dumps(out, ensure_ascii=False, default=str))
        if result is None and not answer.get("clarify") and not answer.get("innovation"):
            raise typer.Exit(1)
        return
    if answer.get("clarify"):
        print_clarify(answer["clarify"])
        return
    if answer.get("summary"):
        typer.echo(answer["summary"])
    if answer.get("innovation"):
        print_innovation(answer["innovation"])
        return
    print_intent(answer)
    en = lang() == "en"
    chips = " · ".join(c.get("text_en" if en else "text") or c.get("text", "") for c in answer["interpretation"])
    if chips:
        typer.echo(t(f"理解为：{chips}", f"Understood as: {chips}"))
    for u in answer["unknown"]:
        word = u.get("text") or u.get("word") or ""
        sugg = ("、" if lang() != "en" else ", ").join(u.get("suggestions", [])[:3])
        reason = u.get("reason") or ""
        if reason and reason != "no_metric":  # explained rather than not understood: "中文 / English"
            zh, _, en_text = reason.partition(" / ")
            typer.echo(t(zh, en_text or zh) + (t(f"（可以改按：{sugg}）", f" (try: {sugg})") if sugg else ""), err=True)
            continue
        typer.echo(t(f"没看懂「{word}」" + (f"，你是不是想问：{sugg}" if sugg else ""),
                     f"Did not understand '{word}'" + (f"; did you mean: {sugg}" if sugg else "")), err=True)
    if result is None:
        raise ShuzhiError("not_understood", "没能理解这个问题，请换个说法，或说出具体的指标，例如「销售额」。",
                          "Could not understand the question; rephrase it or name a metric such as 'revenue'.")
    table = Table(title=t(f"图表建议：{answer['chart']['type']}", f"Suggested chart: {answer['chart']['type']}")
                  if answer.get("chart") else None)
    cols = result["columns"]
    for c in cols:
        table.add_column(c.get("label") or c["name"], justify="right" if c["type"] in ("number", "integer") else "left")
    for row in result["rows"]:
        table.add_row(*(format_value(v, c.get("format"), lang(), style="cli") for v, c in zip(row, cols, strict=True)))
    console().print(table)


def print_clarify(clarify: dict[str, Any]) -> None:
    """The question back and its numbered choices; the next step is `--choice N`."""
    en = lang() == "en"
    typer.echo((clarify.get("text_en") or clarify["text"]) if en else clarify["text"])
    for i, c in enumerate(clarify["choices"], 1):
        typer.echo(f"  {i}. {(c.get('text_en') or c['text']) if en else c['text']}")
    typer.echo(t("用 --choice N 选择其中一个再问。", "Ask again with --choice N to pick one."))


def print_innovation(card: dict[str, Any]) -> None:
    """An innovation answer's table (the first rows of the analysis) and the page with all of it."""
    from rich.table import Table

    from shuzhi.results.format import format_value

    en, lg = lang() == "en", lang()
    if card["columns"]:
        table = Table()
        for c in card["columns"]:
            table.add_column(c["label_en"] if en else c["label"],
                             justify="right" if c["format"] in ("currency", "percent", "integer", "number") else "left")
        for row in card["rows"]:
            table.add_row(*(("✓" if v else "✗" if v is False else "?") if c["format"] == "bool"
                            else "" if v is None else format_value(v, c["format"], lg, style="cli")
                            if c["format"] != "text" else str(v) for v, c in zip(row, card["columns"], strict=True)))
        console().print(table)
    if card["total"] > len(card["rows"]):
        typer.echo(t(f"（共 {card['total']} 行，显示前 {len(card['rows'])} 行）",
                     f"({card['total']} rows, the first {len(card['rows'])} shown)"))
    typer.echo(t(f"完整分析：{card['link']}", f"Full analysis: {card['link']}"))


def print_intent(answer: dict[str, Any]) -> None:
    """Under the summary: the yes/no line, the why's drivers, the forecast's table."""
    from shuzhi.results.format import format_change, format_value

    lg = lang()
    yn = answer.get("yesno")
    if yn:
        cols = (answer.get("result") or {}).get("columns") or []
        col = next((c for c in cols if c["name"] == yn["metric"]), {})
        v, thr = (format_value(x, col.get("format"), lg, style="sentence") for x in (yn["value"], yn["threshold"]))
        typer.echo(f"{t('是', 'Yes') if yn['answer'] else t('否', 'No')}  {col.get('label') or yn['metric']} {v} "
                   f"{yn['op']} {thr}{'  ' + yn['period'] if yn.get('period') else ''}")
    ex = answer.get("explanation")
    if ex:
        best = next((d for d in ex["dimensions"] if d["dimension"] == ex.get("best_dimension")), None)
        if best:
            typer.echo(t(f"按{best['label']}看的主要因素：", f"Main drivers by {best['label_en']}:"))
            for m in sorted(best["top"], key=lambda r: -abs(r["contribution"]))[:5]:
                share = f"  {m['share_of_change']:.0%}" if m.get("share_of_change") is not None else ""
                typer.echo(f"  {m['member']}\t{format_change(m['contribution'], ex.get('format'), lg)}{share}")
    fc = answer.get("forecast")
    if fc:
        f = fc.get("format")
        for s in fc["series"]:
            head = f"[{s['key']}] " if s.get("key") is not None else ""
            typer.echo(f"{head}{t('模型', 'model')}: {s.get('model') or '—'}")
            for r in s.get("forecast") or []:
                n = [format_value(r[k], f, lg, style="sentence") for k in ("value", "lower80", "upper80")]
                typer.echo(f"  {r['label']}\t{n[0]}\t80% [{n[1]}, {n[2]}]")
