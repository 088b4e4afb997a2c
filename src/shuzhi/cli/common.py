"""What every command shares: the language, error lines, the runtime, paths, reading secrets.

A command runs either in its own process or, when a `shuzhi serve` runs on the same SHUZHI_HOME,
inside that server (cli/forward.py sends it, cli/served.py runs it). Commands are written once for
both by going through this module:
- `runtime()` is the server's own Runtime when served (never closed by the command);
- `cli_path(p)` resolves a path the user typed against the caller's working directory;
- `warehouse_readable(rt, p)` gives a path the warehouse may read (imports);
- `console()` is a rich Console for tables; `read_secret()` and `confirm()` ask the person at the
  terminal, wherever the command runs; `lang()` is the caller's language.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from shuzhi.errors import ShuzhiError

if TYPE_CHECKING:
    from rich.console import Console

    from shuzhi.runtime import Runtime, StartInfo
    from shuzhi.spec.resolve import UserContext

LANG_VARS = ("SHUZHI_LANG", "LC_ALL", "LC_MESSAGES", "LANG")

# The forwarded call this thread runs for a CLI process (cli/served.py ServedCall), or None when the
# command runs in its own process. Read through served(); set only by cli/served.py.
SERVED: ContextVar[Any] = ContextVar("shuzhi_served_call", default=None)


def served() -> Any:
    """The forwarded call being run in the server (cwd, env, runtime, ask()), or None."""
    return SERVED.get()


def lang() -> str:
    """zh unless SHUZHI_LANG=en, or LC_ALL/LANG asks for English (Chinese first). A command run in
    the server for a CLI process speaks that process's language."""
    call = served()
    env = call.env if call is not None else os.environ
    explicit = env.get("SHUZHI_LANG", "").lower()
    if explicit.startswith(("zh", "en")):
        return explicit[:2]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        v = env.get(var, "")
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


def runtime(*, start: bool = True, use_cases: bool = True) -> Runtime:
    """The runtime; when starting it created the first admin, say so (the only time we can).

    Served (a CLI process forwarded the command to `shuzhi serve`): the server's own Runtime, already
    started and wired, lent so that the command's start() and close() leave it as it is.
    `use_cases=False` (a read-only command such as `shuzhi ask`): started and its older imports' column
    names upgraded, but no use case wired (refreshes, alerts, subscriptions, page drawing react to
    schedules and data changes this command never makes) and their modules not imported."""
    call = served()
    if call is not None:
        return BorrowedRuntime(call.runtime)  # type: ignore[return-value]
    from shuzhi.runtime import Runtime
    from shuzhi.service.wiring import upgrade_names, wire
    from shuzhi.settings import get_settings

    rt = Runtime(get_settings())
    if start:
        announce_admin(rt.start())
        if not use_cases:
            upgrade_names(rt)
            return rt
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
    from shuzhi.catalog import org
    from shuzhi.spec.resolve import UserContext

    if username is None:
        return UserContext.system()
    with rt.catalog.session() as s:
        u = get_user(s, username)
        return UserContext(u.username, u.role, org.effective_attributes(u))


class BorrowedRuntime:
    """The server's Runtime as a served command sees it: everything but its lifecycle. start() and
    close() do nothing (the server started it and closes it when it stops); the warehouse stays open
    whatever the command does with its handle."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rt, name)

    def start(self, **_: Any) -> StartInfo:
        from shuzhi.runtime import StartInfo

        return StartInfo()

    def close(self) -> None:
        """Not the command's to close."""

    def warehouse(self, *, read_only: bool = False) -> Any:
        # The server's handle (read-write, or read-only under --workers N); read-only callers run only
        # read-only statements on it (Warehouse.read_query).
        return _KeptOpen(self._rt.warehouse())

    def allow_reading(self, path: Path) -> None:
        raise ShuzhiError(
            "served_allow_reading",
            "命令在运行中的服务内执行，数据仓库的可读范围已固定：请用 cli.common.warehouse_readable()。",
            "The command runs inside the server, whose warehouse sandbox is fixed: use cli.common.warehouse_readable().",
            500,
        )


class _KeptOpen:
    """A warehouse handle whose open() and close() leave the server's warehouse as it is."""

    def __init__(self, wh: Any) -> None:
        self._wh = wh

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wh, name)

    def open(self) -> _KeptOpen:
        self._wh.open()
        return self

    def close(self) -> None:
        """Not the command's to close."""


def cli_path(path: str | Path) -> Path:
    """A file path the user typed, as this command must use it: `~` expanded, and relative paths taken
    from the caller's working directory, which is not the server's when the command is served. Every
    command that reads or writes a file the user named passes it through here first."""
    p = Path(path).expanduser()
    call = served()
    if call is not None and not p.is_absolute():
        p = Path(call.cwd) / p
    return p


@contextlib.contextmanager
def warehouse_readable(rt: Runtime, path: Path) -> Iterator[Path]:
    """A path to `path` that the sandboxed warehouse may read (imports load files through DuckDB).

    In its own process the command lets the warehouse read that one file (Runtime.allow_reading)
    before it opens. Served, the server's warehouse is already open and its sandbox fixed, so the
    file is linked (or, across file systems, copied) into SHUZHI_HOME/tmp under its own name, and
    removed afterwards."""
    if served() is None:
        rt.allow_reading(path)
        yield path
        return
    base = rt.settings.home / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cli-", dir=base))
    staged = work / path.name
    try:
        try:
            os.link(path, staged)
        except OSError:
            try:
                shutil.copyfile(path, staged)
            except OSError as exc:
                raise ShuzhiError("file_unreadable", f"无法读取 {path}：{exc.strerror}",
                                  f"Cannot read {path}: {exc.strerror}") from None
        yield staged
    finally:
        shutil.rmtree(work, ignore_errors=True)


def console() -> Console:
    """A rich Console for tables: the terminal's width, or the caller's terminal's when served."""
    from rich.console import Console

    call = served()
    if call is not None:
        return Console(width=call.width or 100)
    return Console()


def confirm(text: str) -> bool:
    """Ask yes/no (default no) of the person at the terminal, wherever the command runs."""
    call = served()
    if call is None:
        return typer.confirm(text)
    if call.stdin_tty:
        answer = call.ask("confirm", text)
    else:  # as click does: the question, then a line of input
        typer.echo(f"{text} [y/N]: ", nl=False)
        answer = sys.stdin.readline()
    return (answer or "").strip().lower() in ("y", "yes", "是")


def read_secret(prompt_zh: str, prompt_en: str, *, confirm: bool = True) -> str:
    """Read a password: prompted twice on a terminal, else the first line of stdin.

    Served, the prompt appears on the caller's terminal (cli/forward.py asks there) and standard input
    is the caller's."""
    call = served()
    if call is not None and call.stdin_tty:
        pw = call.ask("secret", t(prompt_zh, prompt_en)) or ""
        if confirm and (call.ask("secret", t("再输入一次", "Repeat")) or "") != pw:
            raise ShuzhiError("password_mismatch", "两次输入的密码不一致。", "The two passwords differ.")
    elif call is None and sys.stdin is not None and sys.stdin.isatty():
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
