"""`shuzhi eval-ask PATH`: accuracy of the question parser over a question set, by category."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from shuzhi.cli.common import cli_path, console, runtime, t
from shuzhi.errors import ShuzhiError

TARGET = 0.90


def eval_ask(
    path: Path = typer.Argument(..., help="Question set (YAML), e.g. tests/ai/nl/questions/questions.yaml."),
    today: str = typer.Option(None, "--today", help="Date the questions were written for (YYYY-MM-DD); default: "
                              "the set's '# today = …' line, else SHUZHI_TODAY or the real date."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every failed question."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Accuracy of the question parser over a question set. 按类别统计智能问答的准确率。"""
    import yaml
    from rich.table import Table

    from shuzhi.ai.nl.evaluate import declared_today, evaluate, load_cases
    from shuzhi.service.ask import lexicon
    from shuzhi.service.ask_score import is_sql_set

    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    path = cli_path(path)
    if not path.is_file():
        raise ShuzhiError("not_found", f"找不到题库文件 {path}。", f"No question set at {path}.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        day = dt.date.fromisoformat(today) if today else declared_today(path)
        if isinstance(raw, list) and is_sql_set(raw):
            return _eval_against_sql(raw, day, verbose, fmt)
        cases = load_cases(path)
    except (ValueError, yaml.YAMLError) as e:
        raise ShuzhiError("bad_question_set", f"题库或日期格式不对：{e}", f"Bad question set or date: {e}") from None
    rt = runtime()
    try:
        day = day or rt.settings.today_date()
        report = evaluate(cases, lexicon(rt), day)
    finally:
        rt.close()
    if fmt == "json":
        typer.echo(json.dumps({"today": day.isoformat(), **report.to_dict()}, ensure_ascii=False, default=str))
    else:
        table = Table(title=t(f"智能问答准确率（今天 = {day}）", f"Question accuracy (today = {day})"))
        table.add_column(t("类别", "Category"))
        table.add_column(t("正确", "Correct"), justify="right")
        table.add_column(t("总数", "Total"), justify="right")
        table.add_column(t("准确率", "Accuracy"), justify="right")
        for cat, (ok, n, acc) in report.by_category().items():
            table.add_row(cat, str(ok), str(n), f"{acc:.1%}")
        table.add_row(t("合计", "Overall"), str(report.correct), str(report.total), f"{report.accuracy:.1%}",
                      style="bold")
        console().print(table)
        if verbose:
            for r in report.failures:
                typer.echo(f"✗ [{r.case.get('cat')}] {r.case['q']}"
                           + (f"  ({t('上一问', 'after')}: {r.case['previous']})" if r.case.get("previous") else ""))
                typer.echo(f"    {t('期望', 'expected')}: {json.dumps(r.want, ensure_ascii=False, default=str)}")
                typer.echo(f"    {t('得到', 'got')}:      {json.dumps(r.got, ensure_ascii=False, default=str)}")
        elif report.failures:
            typer.echo(t(f"{len(report.failures)} 个问题答错，加 --verbose 查看。",
                         f"{len(report.failures)} questions wrong; add --verbose to list them."))
    if report.accuracy < TARGET:
        # A ShuzhiError (not typer.Exit) so the exit status is 1 however the app is invoked.
        raise ShuzhiError("accuracy_below_target",
                          f"准确率 {report.accuracy:.1%} 低于目标 {TARGET:.0%}。",
                          f"Accuracy {report.accuracy:.1%} is below the {TARGET:.0%} target.")


def _eval_against_sql(cases: list, day: dt.date | None, verbose: bool, fmt: str) -> None:
    """A set whose cases say the answer's `shape` (and its SQL): the whole ask use case is scored against
    the numbers the SQL gives on this warehouse (shuzhi.service.ask_score)."""
    from rich.table import Table

    from shuzhi.service.ask_score import score_set

    rt = runtime()
    try:
        rt.settings.today = day or rt.settings.today
        report = score_set(rt, cases)
    finally:
        rt.close()
    day = day or rt.settings.today_date()
    if fmt == "json":
        typer.echo(json.dumps({"today": day.isoformat(), **report.to_dict()}, ensure_ascii=False, default=str))
    else:
        for key, title in (("area", t("领域", "Area")), ("kind", t("类型", "Kind")), ("lang", t("语言", "Language")),
                           ("shape", t("答案形式", "Shape"))):
            table = Table(title=t(f"按{title}（今天 = {day}）", f"By {title.lower()} (today = {day})"))
            for col in (title, t("正确", "Correct"), t("总数", "Total"), t("准确率", "Accuracy")):
                table.add_column(col, justify="left" if col == title else "right")
            for k, (ok, n) in report.by(key).items():
                table.add_row(k, str(ok), str(n), f"{ok / n:.1%}")
            console().print(table)
        typer.echo(t(f"合计 {report.correct}/{report.total}（{report.accuracy:.1%}）；答错却以高置信度（≥ 0.75）给出的："
                     f"{report.wrong_confident}（{report.wrong_confident / max(report.total, 1):.1%}）",
                     f"Overall {report.correct}/{report.total} ({report.accuracy:.1%}); wrong answers shown with "
                     f"confidence ≥ 0.75: {report.wrong_confident} "
                     f"({report.wrong_confident / max(report.total, 1):.1%})"))
        if verbose:
            for c in report.cases:
                if not c.ok:
                    mark = "!" if c.wrong_confident else "✗"
                    typer.echo(f"{mark} [{c.meta.get('area', '-')}/{c.meta.get('kind', '-')}] {c.q}: {c.why}")
                    typer.echo(f"    {t('得到', 'got')}: {json.dumps(c.meta.get('got_spec'), ensure_ascii=False)}"
                               f"  conf={c.meta.get('confidence')}  rows={c.meta.get('got_rows')}")
    if report.accuracy < TARGET:
        raise ShuzhiError("accuracy_below_target",
                          f"准确率 {report.accuracy:.1%} 低于目标 {TARGET:.0%}。",
                          f"Accuracy {report.accuracy:.1%} is below the {TARGET:.0%} target.")
