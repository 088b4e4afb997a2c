"""`shuzhi share create|list|revoke`: share links; `shuzhi share dashboard NAME --with ...` (cli/org.py)
shares with people. Share links (a dashboard opened read-only without an account).

The operator runs these, like `shuzhi token create`: a link shares the view of `--as USER` (default:
the dashboard's owner), and that user must be able to see the dashboard. The link is printed last, once;
only its hash is kept. See docs/delivery/share.md.
"""

from __future__ import annotations

import typer

from shuzhi.cli.common import fail, read_secret, runtime, t
from shuzhi.cli.org import share_dashboard
from shuzhi.errors import ShuzhiError

share_app = typer.Typer(
    help="分享：分享链接（创建、列出、撤销）与共享给人 / Share links (create, list, revoke) and sharing with people.",
    no_args_is_help=True,
)
share_app.command("dashboard")(share_dashboard)


@share_app.command("create")
def create(
    dashboard: str = typer.Option(..., "--dashboard", help="Dashboard name or id."),
    days: int = typer.Option(
        None,
        "--days",
        min=0,
        help="Lifetime in days; 0 = never expires (default SHUZHI_SHARE_DEFAULT_DAYS, 7).",
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read a password for the link from stdin."
    ),
    as_user: str = typer.Option(
        None, "--as", help="Show the data as this user sees it (default: the owner)."
    ),
) -> None:
    """Create a share link; prints it last. 创建分享链接（最后一行是链接）。"""
    from shuzhi.auth.users import get_user
    from shuzhi.catalog import dashboards as store
    from shuzhi.delivery import shares

    try:
        rt = runtime()
        password = (
            shares.check_password(read_secret("分享密码", "Share password")) if password_stdin else None
        )
        life = shares.check_days(
            days, default=rt.settings.share_default_days, max_days=rt.settings.share_max_days
        )
        with rt.catalog.session() as s:
            rec = store.get_record(s, dashboard)
            user = get_user(s, as_user or rec.owner)
            raw, link = shares.create_link(s, rec, user, days=life, password=password, actor="cli")
            expires = f"{link.expires_at:%Y-%m-%d %H:%M} UTC" if link.expires_at else t("永不过期", "never")
            typer.echo(
                t(
                    f"分享 #{link.id}：仪表板 {rec.name}，以 {user.username} 的数据，到期 {expires}"
                    f"{'，需密码' if password else ''}。链接只显示这一次：",
                    f"Share #{link.id}: dashboard {rec.name}, as {user.username}, expires {expires}"
                    f"{', password required' if password else ''}. The link is shown only once:",
                ),
                err=True,
            )
        typer.echo(shares.link_url(rt.settings.links_base, raw))
    except ShuzhiError as err:
        raise fail(err) from None


@share_app.command("list")
def list_links(
    dashboard: str = typer.Option(None, "--dashboard", help="Only this dashboard's links."),
) -> None:
    """List share links (never the links themselves). 列出分享链接。"""
    from shuzhi.catalog import dashboards as store
    from shuzhi.delivery import shares

    try:
        rt = runtime()
        with rt.catalog.session() as s:
            rows = shares.list_links(s, store.get_record(s, dashboard).id if dashboard else None)
    except ShuzhiError as err:
        raise fail(err) from None
    head = t(
        "编号\t仪表板\t身份\t创建者\t到期\t密码\t浏览\t状态",
        "id\tdashboard\tas user\tcreated by\texpires\tpassword\tviews\tstatus",
    )
    typer.echo(head)
    status = {
        "active": t("有效", "active"),
        "expired": t("已过期", "expired"),
        "revoked": t("已撤销", "revoked"),
    }
    for r in rows:
        exp = f"{r.expires_at:%Y-%m-%d %H:%M}" if r.expires_at else t("永不", "never")
        typer.echo(
            f"{r.id}\t{r.dashboard}\t{r.as_user}\t{r.created_by or '-'}\t{exp}\t"
            f"{t('是', 'yes') if r.password else t('否', 'no')}\t{r.views}\t{status[r.status]}"
        )


@share_app.command("revoke")
def revoke(
    id_or_link: str = typer.Argument(..., help="Share id from `shuzhi share list`, or the link."),
) -> None:
    """Revoke a share link at once. 撤销分享链接。"""
    from shuzhi.delivery import shares

    try:
        rt = runtime()
        with rt.catalog.session() as s:
            link = shares.find_link(s, id_or_link)
            was = link.revoked_at is not None
            shares.revoke_link(s, link, actor="cli")
            typer.echo(
                t(
                    f"分享 #{link.id} {'早已' if was else '已'}撤销。",
                    f"Share #{link.id} {'was already' if was else 'is now'} revoked.",
                )
            )
    except ShuzhiError as err:
        raise fail(err) from None
