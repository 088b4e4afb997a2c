"""`shuzhi dashboard list | export NAME | apply FILE.yaml`: dashboards from the shell.

apply validates the file (shape, then every metric and field against the current model) before
anything is written, creates the dashboard when its name is new and otherwise saves a new version.
A file of the wrong shape exits 1 with every problem (component, field path, fault; up to five shown)
in the user's language, and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import typer

from shuzhi.cli.common import cli_path, runtime, t
from shuzhi.errors import ShuzhiError

dashboard_app = typer.Typer(help="Dashboards: list, export to YAML, apply YAML. 仪表板管理。", no_args_is_help=True)


@dashboard_app.command("list")
def dashboard_list() -> None:
    """List all dashboards. 列出仪表板。"""
    from shuzhi.catalog.dashboards import Viewer, list_records

    rt = runtime()
    with rt.catalog.session() as s:
        for r in list_records(s, Viewer(0, "system", "admin")):
            shared = ",".join(r.shared_roles or []) or "-"
            typer.echo(f"{r.name}\t{r.title}\tv{r.version}\t{len(r.definition.get('components', []))} "
                       f"{t('个组件', 'components')}\t{t('所有者', 'owner')} {r.owner}\t{t('共享', 'shared')} {shared}")


@dashboard_app.command("export")
def dashboard_export(name: str = typer.Argument(..., help="Dashboard name (slug) or id.")) -> None:
    """Print a dashboard as YAML (apply it elsewhere). 导出仪表板为 YAML。"""
    import yaml

    from shuzhi.catalog.dashboards import get_record

    rt = runtime()
    with rt.catalog.session() as s:
        rec = get_record(s, name)
        typer.echo(f"# {rec.name} v{rec.version}")
        typer.echo(yaml.safe_dump(rec.definition, allow_unicode=True, sort_keys=False, width=120), nl=False)


@dashboard_app.command("apply")
def dashboard_apply(
    path: Path = typer.Argument(..., help="YAML file (creates or updates the dashboard it names)."),
    owner: str = typer.Option("admin", "--owner", help="Owner of a newly created dashboard."),
    comment: str = typer.Option(None, "--comment", help="Why this change (kept in the version history)."),
) -> None:
    """Validate a YAML dashboard against the model and save it. 校验并应用 YAML 仪表板。"""
    from shuzhi.catalog.dashboards import create, get_record, update
    from shuzhi.demo.dashboards import load_dashboard_yaml
    from shuzhi.spec.dashboards import check_against_model

    path = cli_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ShuzhiError("file_unreadable", f"无法读取 {path}：{exc.strerror}",
                          f"Cannot read {path}: {exc.strerror}") from None
    d = load_dashboard_yaml(text, str(path))
    rt = runtime()
    with rt.catalog.session() as s:
        idx, _ = rt.model_index(None, s)
        check_against_model(d, idx, rt.settings.today_date())
        try:
            rec = get_record(s, d.name)
        except ShuzhiError:
            rec = create(s, d, owner=owner, comment=comment or f"applied from {path.name}")
            typer.echo(t(f"已创建仪表板 {d.name}（v1）。", f"Created dashboard {d.name} (v1)."))
            return
        version = update(s, rec, d, actor="cli", comment=comment or f"applied from {path.name}")
    typer.echo(t(f"已应用仪表板 {d.name}，当前版本 v{version}。", f"Applied dashboard {d.name}; now at v{version}."))
