"""What every command shares: the language, error lines, the runtime, reading secrets."""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

import typer

from shuzhi.errors import ShuzhiError
from shuzhi.settings import get_settings

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime, StartInfo
    from shuzhi.spec.resolve import UserContext


def lang() -> str:
    """zh unless SHUZHI_LANG=en, or LC_ALL/LANG asks for English (Chinese first)."""
    explicit = os.environ.get("SHUZHI_LANG", "").lower()
    if explicit.startswith(("zh", "en")):
        return explicit[:2]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        v = os.environ.get(var, "")
        if v:
            return "en" if v.lower().startswith("en") else "zh"
    return "zh"


def t(zh: str, en: str) -> str:
    return en if lang() == "en" else zh


def fail(err: ShuzhiError) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise."""
    prefix = "Error" if lang() == "en" else "错误"
    typer.echo(f"{prefix}: {err.message(lang())}", err=True)
    return typer.Exit(code=1)


def runtime(*, start: bool = True) -> Runtime:
    """The runtime; when starting it created the first admin, say so (the only time we can)."""
    from shuzhi.runtime import Runtime
    from shuzhi.service.wiring import wire

    rt = Runtime(get_settings())
    if start:
        announce_admin(rt.start())
        wire(rt)
        _draw_pages_in_process()
    return rt


def _draw_pages_in_process() -> None:
    """Subscriptions and alert pictures draw the web app's pages; from the CLI it is served in this process."""
    from shuzhi.service.subscriptions import set_page_server

    def serve(rt):  # type: ignore[no-untyped-def]
        from shuzhi.api.inprocess import serve_in_process

        return serve_in_process(rt)

    set_page_server(serve)


def announce_admin(info: StartInfo) -> None:
    if info.admin_created and info.admin_password:
        typer.echo(
            t(
                f"首次使用：已创建管理员 admin，密码 {info.admin_password}（只显示这一次，请妥善保存）。",
                f"First use: created the administrator 'admin' with password {info.admin_password} "
                "(shown only once; keep it safe).",
            ),
            err=True,
        )


def user_context(rt: Runtime, username: str | None) -> UserContext:
    """The security context of `--user NAME` (the system administrator when omitted)."""
    from shuzhi.auth.users import get_user
    from shuzhi.spec.resolve import UserContext

    if username is None:
        return UserContext.system()
    with rt.catalog.session() as s:
        u = get_user(s, username)
        return UserContext(u.username, u.role, dict(u.attributes or {}))


def read_secret(prompt_zh: str, prompt_en: str, *, confirm: bool = True) -> str:
    """Read a password: prompted twice on a terminal, else the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        pw = getpass.getpass(t(prompt_zh, prompt_en) + ": ")
        if confirm and getpass.getpass(t("再输入一次", "Repeat") + ": ") != pw:
            raise ShuzhiError("password_mismatch", "两次输入的密码不一致。", "The two passwords differ.")
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        pw = line.rstrip("\r\n")
    if not pw:
        raise ShuzhiError(
            "password_missing",
            "没有读到密码：请在标准输入中提供，例如 echo 'S3cret-pass' | shuzhi user create ...",
            "No password was read: pass it on standard input, e.g. echo 'S3cret-pass' | shuzhi user create ...",
        )
    return pw
