"""`shuzhi ask`: a question in Chinese or English, answered with the semantic model."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from shuzhi.cli.common import console, lang, runtime, served, t, user_context
from shuzhi.errors import ShuzhiError


def ask(
    question: str = typer.Argument(..., help="e.g. \"上个月华东区各产品线销售额\" or \"top 5 customers by revenue this year\"."),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    user: str = typer.Option(None, "--user", help="Answer as this user (their row and column rules apply)."),
) -> None:
    """Ask a business question in Chinese or English. 用中文或英文提问。"""
    from shuzhi.results.format import format_value
    from shuzhi.service.ask import ask as ask_question

    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    from shuzhi.service.ask_lexicon import one_question_process

    rt = runtime(use_cases=False)  # answering reads: no refresh, alert or subscription to wire
    if served() is None:  # this process answers this one question (in a server: its warm lexicons)
        one_question_process(rt)
    answer = ask_question(rt, question, user_context(rt, user))
    result = answer["result"]
    if fmt == "json":
        out = {"columns": result["columns"] if result else [], "rows": result["rows"] if result else [],
               "sql": result["sql"] if result else None, "spec": answer["spec"], "chart": answer["chart"],
               "interpretation": answer["interpretation"], "unknown": answer["unknown"],
               "confidence": answer["confidence"]}
        typer.echo(json.dumps(out, ensure_ascii=False))
        if result is None:
            raise typer.Exit(1)
        return
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
