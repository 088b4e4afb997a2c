"""`shuzhi dept ...` and `shuzhi share dashboard ...`: the organisation and sharing from the shell.

    shuzhi dept add PATH [--attr KEY=VALUE ...]     parents made as needed; attributes merged in
    shuzhi dept list [--format json]                {"departments": [{"path", "attributes", "inherited_attributes", "members", ...}]}
    shuzhi dept remove PATH                         with its sub-departments (members stay users)
    shuzhi share dashboard NAME --with user:NAME|dept:PATH|role:NAME [--edit] [--remove]
    shuzhi share dashboard NAME                     who it is shared with
    shuzhi ldap sync [--format json]                departments and people from LDAP / AD now (service/directory_sync.py)

The shell's operator acts as an administrator (audited as `cli`).
"""

from __future__ import annotations

import json

import typer

from shuzhi.cli.common import console, runtime, t
from shuzhi.errors import ShuzhiError

dept_app = typer.Typer(help="部门：新建、列出、删除 / Departments: add, list, remove.", no_args_is_help=True)


@dept_app.command("add")
def add(
    path: str = typer.Argument(..., help="The department's path, e.g. 华精科技/销售中心/华东销售部."),
    attr: list[str] = typer.Option([], "--attr", help="Attribute key=value its members inherit (e.g. region=华东)."),
) -> None:
    """Add a department (and any missing parents). 新建部门（上级部门按需创建）。"""
    from shuzhi.auth.users import check_attrs, parse_attrs
    from shuzhi.catalog import org

    attrs = check_attrs(parse_attrs(attr))
    with runtime().catalog.session() as s:
        d = org.add_department(s, path, attrs, actor="cli")
        shown = ", ".join(f"{k}={v}" for k, v in org.inherited_attributes(d).items())
        typer.echo(t(f"部门 {d.path} 已就绪" + (f"（{shown}）" if shown else "") + "。",
                     f"Department {d.path} is ready" + (f" ({shown})" if shown else "") + "."))


@dept_app.command("list")
def list_(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """List departments with their attributes and members. 列出部门。"""
    from shuzhi.service import org as svc

    if fmt not in ("json", "table"):
        raise ShuzhiError("bad_format", f"--format 只能是 json 或 table，不能是 {fmt}。",
                          f"--format must be json or table, not {fmt}.")
    with runtime().catalog.session() as s:
        out = svc.list_departments(s)
    if fmt == "json":
        typer.echo(json.dumps(out.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(t("部门", "department"), t("属性（含继承）", "attributes (inherited)"), t("成员", "members"))
    for d in out.departments:
        indent = "  " * d.path.count("/")
        table.add_row(indent + d.name, ", ".join(f"{k}={v}" for k, v in d.inherited_attributes.items()), str(d.members))
    console().print(table)


@dept_app.command("remove")
def remove(path: str = typer.Argument(..., help="The department's path.")) -> None:
    """Remove a department and its sub-departments. 删除部门及其下级部门。"""
    from shuzhi.catalog import org

    with runtime().catalog.session() as s:
        n = org.delete_department(s, path, actor="cli")
    typer.echo(t(f"已删除 {n} 个部门。", f"Removed {n} department(s)."))


def share_dashboard(
    name: str = typer.Argument(..., help="Dashboard name or id."),
    with_: list[str] = typer.Option([], "--with", help="user:NAME, dept:PATH or role:NAME (repeatable)."),
    edit: bool = typer.Option(False, "--edit", help="Allow changing it (editors), not only viewing."),
    remove: bool = typer.Option(False, "--remove", help="Stop sharing with them."),
) -> None:
    """Share a dashboard with people, departments or roles. 把仪表板共享给用户、部门或角色。"""
    from shuzhi.catalog import dashboards as store
    from shuzhi.service import org as svc

    admin = store.Viewer(0, "cli", "admin")
    with runtime().catalog.session() as s:
        out = svc.dashboard_grants(s, name, admin)
        for w in with_:
            out = svc.share_dashboard(s, name, w, "edit" if edit else "view", admin, remove=remove)
    if not out.grants:
        typer.echo(t(f"仪表板 {out.dashboard} 只有所有者 {out.owner} 和管理员可见（未共享）。",
                     f"Dashboard {out.dashboard} is seen only by its owner {out.owner} and admins (not shared)."))
        return
    typer.echo(t(f"仪表板 {out.dashboard} 共享给：", f"Dashboard {out.dashboard} is shared with:"))
    for g in out.grants:
        typer.echo(f"  {g.grantee}  {t('可编辑', 'edit') if g.access == 'edit' else t('可查看', 'view')}")


ldap_app = typer.Typer(help="LDAP / AD：同步部门与人员 / LDAP / AD: sync departments and people.", no_args_is_help=True)


@ldap_app.command("sync")
def ldap_sync(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Sync departments and people from the directory now. 立即从目录同步部门与人员。"""
    from shuzhi.service import directory_sync

    counts = directory_sync.sync(runtime())
    if fmt == "json":
        typer.echo(json.dumps(counts, ensure_ascii=False))
        return
    typer.echo(t(f"已同步：新建部门 {counts['departments_made']} 个，新建用户 {counts['users_created']} 个，"
                 f"更新 {counts['users_updated']} 个，停用 {counts['users_disabled']} 个（同名本地账号跳过 {counts['local_skipped']} 个）。",
                 f"Synced: {counts['departments_made']} departments made, {counts['users_created']} users created, "
                 f"{counts['users_updated']} updated, {counts['users_disabled']} disabled "
                 f"({counts['local_skipped']} local accounts of the same name skipped)."))
