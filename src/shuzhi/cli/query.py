"""`shuzhi query` and `shuzhi model ...`: the semantic layer from the shell."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from shuzhi.cli.common import cli_path, console, runtime, t, user_context
from shuzhi.errors import ShuzhiError

model_app = typer.Typer(help="Semantic models: list, export to YAML, apply YAML. 语义模型管理。", no_args_is_help=True)


def _read_json(source: str) -> dict:
    try:
        text = sys.stdin.read() if source == "-" else cli_path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise ShuzhiError("file_unreadable", f"无法读取 {source}：{exc.strerror}", f"Cannot read {source}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ShuzhiError("spec_not_json", f"{source} 第 {exc.lineno} 行不是有效的 JSON：{exc.msg}",
                          f"{source} line {exc.lineno} is not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ShuzhiError("spec_not_object", "查询定义必须是一个 JSON 对象。", "A query spec must be a JSON object.")
    return data


def query(
    spec: str = typer.Argument(..., help="QuerySpec JSON file, or - to read standard input."),
    fmt: str = typer.Option("table", "--format", help="json, csv or table."),
    explain: bool = typer.Option(False, "--explain", help="Print the SQL without running it."),
    user: str = typer.Option(None, "--user", help="Answer as this user (their row and column rules apply)."),
    dialect: str = typer.Option("duckdb", "--dialect", help="With --explain: duckdb, postgres, mysql or spark."),
) -> None:
    """Answer a QuerySpec with the semantic model. 按语义模型执行查询。"""
    from rich.table import Table

    from shuzhi.cli.common import lang
    from shuzhi.results.encoders import to_csv
    from shuzhi.results.format import format_value
    from shuzhi.service import plan_query
    from shuzhi.service.query import query as run_spec

    if fmt not in ("json", "csv", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json、csv 或 table，不能是 {fmt}。",
                          f"--format must be json, csv or table, not {fmt}.")
    data = _read_json(spec)
    rt = runtime()
    ctx = user_context(rt, user)
    if explain:
        idx, _ = rt.model_index(data.get("model"))
        typer.echo(plan_query(data, idx, ctx, rt.settings.today_date(), dialect).sql)
        return
    result = run_spec(rt, data, ctx, purpose="export" if fmt == "csv" else "api", use_cache=False,
                      freshness=fmt == "table")
    if fmt == "json":
        out = result.to_json_obj()
        typer.echo(json.dumps({"columns": out["columns"], "rows": out["rows"], "sql": out["sql"],
                               "truncated": out["truncated"]}, ensure_ascii=False))
    elif fmt == "csv":
        typer.echo(to_csv(result.table), nl=False)
    else:
        table = Table()
        for c in result.columns:
            table.add_column(c.get("label") or c["name"], justify="right" if c["type"] in ("number", "integer") else "left")
        fmts = [c.get("format") for c in result.columns]
        for row in result.table.to_pylist():
            table.add_row(*(format_value(v, f, lang(), style="cli") for v, f in zip(row.values(), fmts, strict=True)))
        console().print(table)
        typer.echo(t(f"{result.table.num_rows} 行", f"{result.table.num_rows} rows") + _as_of(result.freshness), err=True)


def _as_of(fresh: dict | None) -> str:
    """「，数据截至 2025-12-31」, or what an empty period lacks and the latest period that has data."""
    if not fresh:
        return ""
    last = fresh["last_date"]
    if not fresh.get("empty"):
        return t(f"，数据截至 {last}", f", data as of {last}")
    latest = fresh.get("latest") or {}
    hint = (t(f"；最近有数据的期间 {latest['start']} → {latest['end']}", f"; the latest period with data is "
              f"{latest['start']} → {latest['end']}") if latest.get("start") and latest.get("end") else "")
    return t(f"（所选期间暂无数据，数据截至 {last}{hint}）", f" (the period has no data yet; data as of {last}{hint})")


@model_app.command("list")
def model_list() -> None:
    """List semantic models with their versions. 列出语义模型。"""
    from shuzhi.catalog.semantic import list_models

    rt = runtime()
    with rt.catalog.session() as s:
        for rec in list_models(s):
            mark = " *" if rec.is_default else ""
            metrics = len(rec.definition.get("metrics", []))
            typer.echo(f"{rec.name}{mark}\tv{rec.version}\t{len(rec.definition.get('datasets', []))} datasets\t"
                       f"{metrics} metrics\t{rec.updated_at:%Y-%m-%d %H:%M}")


@model_app.command("export")
def model_export(name: str = typer.Argument(None, help="Model name (default: the default model).")) -> None:
    """Print a model as YAML. 导出模型为 YAML。"""
    from shuzhi.catalog.semantic import get_model
    from shuzhi.model.yaml_io import dump_model_yaml

    rt = runtime()
    with rt.catalog.session() as s:
        model, version = get_model(s, name)
    typer.echo(f"# {model.name} v{version}")
    typer.echo(dump_model_yaml(model), nl=False)


@model_app.command("apply")
def model_apply(
    path: Path = typer.Argument(..., help="YAML file to apply (creates or updates the model it names)."),
    comment: str = typer.Option(None, "--comment", help="Why this change (kept in the version history)."),
    default: bool = typer.Option(False, "--default", help="Make it the default model."),
    user: str = typer.Option(None, "--user", help="Apply as this user: changing row or column rules then "
                             "needs their role to hold security:manage. Omitted: the operator (may change rules)."),
) -> None:
    """Validate a YAML model and save it as a new version. 校验并应用 YAML 模型。

    Rule changes are recorded in the audit log (model.rules) either way."""
    from shuzhi.auth.roles import has_permission
    from shuzhi.catalog.semantic import save_model
    from shuzhi.model.yaml_io import load_model_yaml

    path = cli_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ShuzhiError("file_unreadable", f"无法读取 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}") from None
    model = load_model_yaml(text, str(path))
    rt = runtime()
    # The operator runs this next to the catalog and could change it anyway: without --user the rules
    # are theirs to change (still audited). With --user the user's permissions decide.
    ctx = user_context(rt, user) if user else None
    with rt.catalog.session() as s:
        version = save_model(s, model, actor=ctx.username if ctx else "cli", comment=comment,
                             make_default=default or None,
                             may_change_rules=ctx is None or has_permission(ctx.role, "security:manage"))
    typer.echo(t(f"已应用模型 {model.name}，当前版本 v{version}。", f"Applied model {model.name}; now at v{version}."))
    if default:
        typer.echo(t(f"模型 {model.name} 现在是默认模型。", f"{model.name} is now the default model."))


@model_app.command("add-table")
def model_add_table(
    table: str = typer.Argument(..., help="A warehouse table (e.g. one made by `shuzhi import`)."),
    model: str = typer.Option(None, "--model", help="Model name (default: the default model)."),
    replace: bool = typer.Option(False, "--replace", help="Swap the table's dataset in again (columns changed)."),
    label: str = typer.Option(None, "--label", help="The dataset's label (default: the imported file's name)."),
) -> None:
    """Make a table analyzable: add it to a model with generated metrics. 把数据表加入模型（自动生成指标）。"""
    from shuzhi.service.modeling import add_table_to_model

    rt = runtime()
    with rt.catalog.session() as s:
        out = add_table_to_model(rt, s, table, model=model, actor="cli", replace=replace, label=label,
                                  may_change_rules=True)  # the operator (audited as cli)
    typer.echo(t(f"已把表 {table} 加入模型 {out['model']}（v{out['model_version']}），数据集 {out['dataset']}，指标：",
                 f"Added table {table} to the model {out['model']} (v{out['model_version']}) as the dataset "
                 f"{out['dataset']}, with the metrics:"))
    for m in out["metrics"]:
        typer.echo(f"  {m['name']}\t{m['label']}")
