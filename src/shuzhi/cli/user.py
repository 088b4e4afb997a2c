"""`shuzhi user ...` and `shuzhi token ...`: manage accounts and API tokens from the shell."""

from __future__ import annotations

import json

import typer

from shuzhi.cli.common import confirm, console, read_secret, runtime, t

# The auth modules are imported inside each command so that `--help` stays fast.

user_app = typer.Typer(help="Manage users: create, list, change, reset passwords. 用户管理。", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens for scripts. API 令牌管理。", no_args_is_help=True)

ROLE_HELP = "admin (管理员), editor (编辑者) or viewer (查看者)."


@user_app.command("create")
def create(
    name: str = typer.Argument(..., help="User name (letters, digits, Chinese, _ . -)."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    attr: list[str] = typer.Option([], "--attr", help="User attribute key=value, repeatable (e.g. region=华东)."),
    display_name: str = typer.Option(None, "--display-name", help="Name shown in the app."),
    dept: list[str] = typer.Option([], "--dept", help="Department path, repeatable (shuzhi dept add makes them)."),
) -> None:
    """Create a user; the password is read from standard input. 新建用户（密码从标准输入读取）。"""
    from shuzhi.auth import users as U
    from shuzhi.auth.roles import check_role

    attrs = U.parse_attrs(attr)
    check_role(role)
    password = read_secret("新用户的密码", "Password for the new user")
    rt = runtime()
    with rt.catalog.session() as s:
        u = U.create_user(s, name, password, role, attributes=attrs, display_name=display_name,
                          departments=list(dept), actor="cli")
        typer.echo(t(f"已创建用户 {u.username}（{u.role}）。", f"Created user {u.username} ({u.role})."))


@user_app.command("list")
def list_(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """List users with their roles and attributes. 列出用户。"""
    from rich.table import Table

    from shuzhi.auth import users as U

    rt = runtime()
    with rt.catalog.session() as s:
        views = [U.UserView.of(u) for u in U.list_users(s)]
    if fmt == "json":
        typer.echo(json.dumps([v.__dict__ for v in views], ensure_ascii=False, indent=2))
        return
    table = Table(
        t("用户名", "user"), t("角色", "role"), t("属性", "attributes"), t("状态", "status"),
        t("最近登录", "last login"),
    )
    for v in views:
        table.add_row(
            v.username, v.role, ", ".join(f"{k}={x}" for k, x in v.attributes.items()),
            t("启用", "active") if v.is_active else t("停用", "disabled"), (v.last_login_at or "")[:19],
        )
    console().print(table)


@user_app.command("set")
def set_(
    name: str = typer.Argument(..., help="User name."),
    role: str = typer.Option(None, "--role", help=ROLE_HELP),
    attr: list[str] = typer.Option([], "--attr", help="Set attribute key=value, repeatable."),
    unset_attr: list[str] = typer.Option([], "--unset-attr", help="Remove attribute KEY, repeatable."),
    display_name: str = typer.Option(None, "--display-name"),
    active: bool = typer.Option(None, "--enable/--disable", help="Enable or disable the account."),
) -> None:
    """Change a user's role, attributes or status. 修改用户。"""
    from shuzhi.auth import users as U

    attrs = U.parse_attrs(attr) if attr else None
    rt = runtime()
    with rt.catalog.session() as s:
        u = U.update_user(s, name, role=role, attributes=attrs, remove_attributes=unset_attr or None,
                          display_name=display_name, is_active=active, actor="cli")
        typer.echo(t(f"已更新用户 {u.username}。", f"Updated user {u.username}."))


@user_app.command("password")
def password(name: str = typer.Argument(..., help="User name.")) -> None:
    """Set a new password (read from standard input); revokes the user's sessions and API tokens. 重设密码。"""
    from shuzhi.auth import users as U

    pw = read_secret("新密码", "New password")
    rt = runtime()
    with rt.catalog.session() as s:
        U.set_password(s, name, pw, actor="cli")
    typer.echo(t(f"已重设 {name} 的密码。", f"Password of {name} was reset."))


@user_app.command("delete")
def delete(
    name: str = typer.Argument(..., help="User name."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete a user and their sessions and tokens. 删除用户。"""
    from shuzhi.auth import users as U

    if not yes and not confirm(t(f"确定删除用户 {name}？", f"Delete user {name}?")):
        raise typer.Exit(1)
    rt = runtime()
    with rt.catalog.session() as s:
        U.delete_user(s, name, actor="cli")
    typer.echo(t(f"已删除用户 {name}。", f"Deleted user {name}."))


@token_app.command("create")
def token_create(
    name: str = typer.Argument(..., help="What the token is for, e.g. 'nightly export'."),
    user: str = typer.Option(..., "--user", help="The user the token acts as."),
    days: int = typer.Option(None, "--days", min=1,
                             help="Expire after N days (at most SHUZHI_TOKEN_MAX_DAYS, 365; default: that limit)."),
    scope: str = typer.Option(None, "--scope", help="embed: the token may only issue embed guest tokens "
                              "(for a portal's backend); default: the user's full rights."),
) -> None:
    """Create an API token; it is printed once. 创建 API 令牌（只显示一次）。"""
    from shuzhi.auth import credentials as cred
    from shuzhi.auth import users as U

    rt = runtime()
    with rt.catalog.session() as s:
        u = U.get_user(s, user)
        raw, tok = cred.create_token(s, u, name, expires_in_days=days, actor="cli",
                                     max_days=rt.settings.token_max_days,
                                     default_days=rt.settings.token_default_days, scope=scope)
    typer.echo(raw)
    typer.echo(t(f"令牌 #{tok.id} 已创建，只显示这一次。用法：Authorization: Bearer <令牌>",
                 f"Token #{tok.id} created; it is shown only once. Use: Authorization: Bearer <token>"), err=True)


@token_app.command("list")
def token_list(user: str = typer.Option(..., "--user", help="Whose tokens.")) -> None:
    """List a user's API tokens (never the secrets). 列出令牌。"""
    from shuzhi.auth import credentials as cred
    from shuzhi.auth import users as U

    rt = runtime()
    with rt.catalog.session() as s:
        u = U.get_user(s, user)
        for tok in cred.list_tokens(s, u.id):
            state = t("已撤销", "revoked") if tok.revoked_at else t("有效", "active")
            typer.echo(f"#{tok.id}\t{tok.prefix}…\t{tok.name}\t{state}\t{tok.created_at:%Y-%m-%d}")


@token_app.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="Token number from `shuzhi token list`.")) -> None:
    """Revoke an API token at once. 撤销令牌。"""
    from shuzhi.auth import credentials as cred

    rt = runtime()
    with rt.catalog.session() as s:
        cred.revoke_token(s, token_id, owner_id=None, actor="cli")
    typer.echo(t(f"令牌 #{token_id} 已撤销。", f"Token #{token_id} revoked."))
