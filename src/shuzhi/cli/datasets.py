"""`shuzhi dataset ...`: self-service datasets from the shell (list, show, apply YAML, preview,
materialize, add to model, delete). The YAML file format is the API's JSON definition
(docs/data-sources.md, "自助数据集 Self-service datasets")."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from shuzhi.cli.common import cli_path, console, runtime, t
from shuzhi.errors import ShuzhiError

dataset_app = typer.Typer(help="Self-service datasets. 自助数据集。", no_args_is_help=True)


def _load_yaml(path: Path) -> list[dict]:
    import yaml

    from shuzhi.model.yaml_io import _Loader  # YAML 1.2 booleans: `no` stays text

    path = cli_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ShuzhiError("file_unreadable", f"无法读取 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}") from None
    try:
        docs = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ShuzhiError("dataset_yaml_syntax", f"{where}：YAML 语法错误。", f"{where}: YAML syntax error.") from None
    items: list[dict] = []
    for d in docs:
        items += d.get("datasets", []) if isinstance(d, dict) and "datasets" in d else [d]
    if not items or not all(isinstance(d, dict) for d in items):
        raise ShuzhiError("dataset_yaml_shape", f"{path}：文件中应是一个或多个数据集定义（name、source、steps …）。",
                          f"{path}: the file should hold one or more dataset definitions (name, source, steps …).")
    return items


@dataset_app.command("list")
def dataset_list() -> None:
    """List datasets. 列出数据集。"""
    from shuzhi.catalog.datasets import list_datasets

    rt = runtime()
    with rt.catalog.session() as s:
        for r in list_datasets(s):
            state = f"{r.row_count} rows @ {r.materialized_at:%Y-%m-%d %H:%M}" if r.materialized_at else "-"
            typer.echo(f"{r.name}\tv{r.version}\t{r.mode}\t{','.join(r.sources)}\t{state}")


@dataset_app.command("show")
def dataset_show(name: str = typer.Argument(..., help="Dataset name.")) -> None:
    """Print a dataset as YAML with its output columns. 显示数据集定义。"""
    import yaml

    from shuzhi.catalog.datasets import get_dataset

    rt = runtime()
    with rt.catalog.session() as s:
        r = get_dataset(s, name)
        typer.echo(f"# {r.name} v{r.version} ({r.mode})")
        typer.echo(yaml.safe_dump(r.definition, allow_unicode=True, sort_keys=False, width=100), nl=False)
        typer.echo("# columns: " + ", ".join(f"{c['name']}:{c['type']}" for c in r.columns))


@dataset_app.command("apply")
def dataset_apply(
    path: Path = typer.Argument(..., help="YAML file with one dataset, several (--- separated) or datasets: [...]."),
    comment: str = typer.Option(None, "--comment", help="Why this change (kept in the version history)."),
) -> None:
    """Create or update datasets from YAML (each change is a new version). 从 YAML 创建或更新数据集。"""
    from shuzhi.service import datasets as service

    items = _load_yaml(path)
    rt = runtime()
    with rt.catalog.session() as s:
        for d in items:
            r = service.save(rt, s, d, actor="cli", comment=comment)
            typer.echo(t(f"已应用数据集 {r.name}，当前版本 v{r.version}（{len(r.columns)} 个字段）。",
                         f"Applied dataset {r.name}; now at v{r.version} ({len(r.columns)} columns)."))


@dataset_app.command("preview")
def dataset_preview(
    name: str = typer.Argument(..., help="Dataset name."),
    upto: int = typer.Option(None, "--upto", help="Rows after this many steps (default: all)."),
    limit: int = typer.Option(20, "--limit", help="Rows to show."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    sql: bool = typer.Option(False, "--sql", help="Also print the SQL."),
) -> None:
    """Preview a dataset's rows after any step. 预览数据。"""
    from rich.table import Table

    from shuzhi.catalog.datasets import get_dataset
    from shuzhi.service import datasets as service

    if fmt not in ("table", "json"):
        raise ShuzhiError("bad_format", f"--format 只能是 table 或 json，不能是 {fmt}。", f"--format must be table or json, not {fmt}.")
    rt = runtime()
    with rt.catalog.session() as s:
        out = service.preview(rt, s, get_dataset(s, name).definition, upto=upto, limit=limit)
    if fmt == "json":
        typer.echo(json.dumps({k: out[k] for k in ("columns", "rows", "sql", "upto")}, ensure_ascii=False, default=str))
        return
    table = Table()
    for c in out["columns"]:
        table.add_column(c["label"], justify="right" if c["type"] in ("integer", "number") else "left")
    for row in out["rows"]:
        table.add_row(*("" if v is None else str(v) for v in row))
    console().print(table)
    if sql:
        typer.echo(out["sql"])


@dataset_app.command("materialize")
def dataset_materialize(name: str = typer.Argument(..., help="Dataset name.")) -> None:
    """Write the dataset to the warehouse table ds_<name> (and refresh what depends on it). 物化。"""
    from shuzhi.service import datasets_refresh

    rt = runtime()
    result = rt.jobs.run_inline(datasets_refresh.JOB_KIND, lambda ctx: datasets_refresh.materialize_now(rt, name, ctx),
                                title=f"materialize dataset {name}", created_by="cli")
    for d in result.get("materialized", []):
        typer.echo(t(f"已物化 {d['dataset']} → 表 {d['table']}（{d['rows']} 行）。",
                     f"Materialized {d['dataset']} → table {d['table']} ({d['rows']} rows)."))
    for f in result.get("failed", []):
        typer.echo(t(f"{f['dataset']} 失败：{f['message_zh']}", f"{f['dataset']} failed: {f['message_en']}"), err=True)
    if result.get("failed"):
        raise typer.Exit(1)


@dataset_app.command("add-to-model")
def dataset_add_to_model(
    name: str = typer.Argument(..., help="Dataset name."),
    model: str = typer.Option(None, "--model", help="Semantic model (default: the default model)."),
    replace: bool = typer.Option(False, "--replace", help="Replace a model dataset of the same name."),
) -> None:
    """Add the dataset to a semantic model (a new model version). 加入语义模型。"""
    from shuzhi.service import datasets as service

    rt = runtime()
    with rt.catalog.session() as s:
        out = service.add_to_model(rt, s, name, model=model, actor="cli", replace=replace,
                                   may_change_rules=True)  # the operator (audited as cli)
    typer.echo(t(f"已把数据集 {name} 加入模型 {out['model']}，模型版本 v{out['model_version']}。",
                 f"Added dataset {name} to model {out['model']}; model version v{out['model_version']}."))


@dataset_app.command("delete")
def dataset_delete(name: str = typer.Argument(..., help="Dataset name.")) -> None:
    """Delete a dataset (and its table ds_<name>). 删除数据集。"""
    from shuzhi.service import datasets as service

    rt = runtime()
    with rt.catalog.session() as s:
        service.delete(rt, s, name)
    typer.echo(t(f"已删除数据集 {name}。", f"Deleted dataset {name}."))
