"""`shuzhi rd allocate`: the best portfolio of R&D proposals and running projects under a budget and a headcount.

    shuzhi rd allocate --budget 3000万 --headcount 40 --must RP2027-003 --exclude RD2025-014 --format json

--must / --exclude take ids: repeated (--must A --must B), separated by commas (--must A,B) or written
one after another (--must A B --exclude C: every id up to the next option belongs to the flag before).
Without --budget / --headcount the rd_capacity table's plan for next year is used. Proposals and running
projects (with what they still need) compete for the same budget and headcount; --keep-running
pre-selects the running projects not excluded. `--user NAME` answers as that user (row rules apply).
"""

from __future__ import annotations

import json
from typing import Any

import typer
from typer.core import TyperCommand

from shuzhi.cli.common import console, lang, runtime, t, user_context
from shuzhi.errors import ShuzhiError


class IdListCommand(TyperCommand):
    """Keeps the command's own arguments (ctx.meta["argv"]) so ids after one --must / --exclude find their flag."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        ctx.meta["argv"] = list(args)
        return super().parse_args(ctx, args)


def id_lists(argv: list[str]) -> tuple[list[str], list[str]]:
    """(must, exclude) read from the arguments: every id up to the next option belongs to the flag before."""
    lists: dict[str, list[str]] = {"--must": [], "--exclude": []}
    current: list[str] | None = None
    for tok in argv:
        flag, eq, value = tok.partition("=")
        if flag in lists:
            current = lists[flag]
            if eq:
                current.append(value)
                current = None
        elif tok.startswith("-"):
            current = None
        elif current is not None:
            current.append(tok)
    return lists["--must"], lists["--exclude"]


def _weights(text: str | None) -> dict[str, float] | None:
    """strategic_fit=0.3,expected_value=0.35,... → dict (values checked by the service)."""
    if not text:
        return None
    out: dict[str, float] = {}
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise ShuzhiError("allocate_bad_weight", f"--weights 应写成 名称=数字,名称=数字，不能是 {part!r}。",
                              f"--weights must read name=number,name=number, not {part!r}.") from None
    return out


def _money(v: float) -> str:
    from shuzhi.results.format import format_value

    return format_value(v, "currency", lang(), style="sentence")


def allocate(
    ctx: typer.Context,
    budget: str = typer.Option(None, "--budget", help="Budget in 元, or 3000万 / 1.2亿 (default: rd_capacity)."),
    headcount: str = typer.Option(None, "--headcount", help="Engineers available (default: rd_capacity)."),
    must: list[str] = typer.Option(None, "--must", help="Fund this candidate id (repeatable)."),
    exclude: list[str] = typer.Option(None, "--exclude", help="Never fund this candidate id (repeatable)."),
    keep_running: bool = typer.Option(False, "--keep-running", help="Pre-select every running project not "
                                      "excluded (by default they compete with the proposals)."),
    weights: str = typer.Option(None, "--weights", help="Score weights, e.g. strategic_fit=0.3,expected_value=0.35,"
                                "risk=0.15,field_signal=0.2 (scaled to add up to 1)."),
    prior: float = typer.Option(4.0, "--prior-strength", help="Pseudo-projects a field's own record must outweigh."),
    fmt: str = typer.Option("table", "--format", help="json or table."),
    user: str = typer.Option(None, "--user", help="Answer as this user (their row rules apply)."),
) -> None:
    """Rank R&D proposals and running projects and pick the best portfolio. 研发立项优先级与资源分配。"""
    from shuzhi.service.rd_allocate import allocate as run

    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    must, exclude = list(must or []), list(exclude or [])
    if ctx.args:
        must, exclude = id_lists(ctx.meta.get("argv", []))
        stray = sorted(set(ctx.args) - set(must) - set(exclude))
        if stray:
            raise ShuzhiError("allocate_stray_args", f"无法识别的参数：{' '.join(stray)}。",
                              f"Unexpected arguments: {' '.join(stray)}.")
    rt = runtime()
    out = run(rt, user_context(rt, user), budget=budget, headcount=headcount, must=must, exclude=exclude,
              keep_running=keep_running, weights=_weights(weights), prior_strength=prior)
    if fmt == "json":
        typer.echo(json.dumps(out, ensure_ascii=False, default=str))
        return
    _table(out)


def _table(out: dict[str, Any]) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, pad_edge=False)
    for col in (t("排名", "#"), t("编号", "id"), t("名称", "name"), t("得分", "score"),
                t("契合+价值+风险+领域", "fit+value+risk+field"), t("成本", "cost"), t("人力", "people"), t("入选", "chosen")):
        table.add_column(col, no_wrap=col != t("名称", "name"), min_width=10 if col == t("名称", "name") else None)
    for c in out["candidates"]:
        flag = "✓" if c["chosen"] else ""
        if c.get("must"):
            flag += t("必选", " must")
        if c.get("excluded"):
            flag = t("排除", "excluded")
        kind = t("在研", "running") if c["kind"] == "running" else t("新", "new")
        table.add_row(str(c["rank"]), c["id"], f"{c['name']}（{kind}）" if lang() != "en" else f"{c['name']} ({kind})",
                      f"{c['score']:.2f}", "+".join(f"{p['points']:.0f}" for p in c["parts"]), _money(c["cost"]),
                      f"{c['headcount']:g}", flag)
    console().print(table)
    tot, need = out["totals"], out["running_need"]
    typer.echo(t(f"{need['projects']} 个在研项目全部继续还需 {_money(need['cost'])}、{need['headcount']:g} 人；"
                 f"可用 {_money(out['budget'])}、{out['headcount']:g} 人。",
                 f"Keeping all {need['projects']} running projects would need {_money(need['cost'])} and "
                 f"{need['headcount']:g} people; available: {_money(out['budget'])} and {out['headcount']:g} people."))
    typer.echo(t(f"入选 {tot['chosen']}/{tot['candidates']} 个（新立项 {tot['proposals_chosen']}，在研 {tot['running_chosen']}），"
                 f"总分 {tot['score']:.2f}，花费 {_money(tot['cost'])}（剩余 {_money(out['unspent_budget'])}），"
                 f"人力 {tot['headcount']:g} 人。",
                 f"Chosen {tot['chosen']} of {tot['candidates']} ({tot['proposals_chosen']} proposals, "
                 f"{tot['running_chosen']} running), total score {tot['score']:.2f}, cost {_money(tot['cost'])} "
                 f"({_money(out['unspent_budget'])} unspent), {tot['headcount']:g} people."))
    m = out["marginal"]
    typer.echo(t(f"边际价值：再多 100万元 总分 +{m['budget_100wan']['score_gain']:g}；再多 1 名工程师 总分 "
                 f"+{m['one_engineer']['score_gain']:g}。",
                 f"Marginal value: one more 100万元 adds {m['budget_100wan']['score_gain']:g} to the total score; one "
                 f"more engineer adds {m['one_engineer']['score_gain']:g}."))
