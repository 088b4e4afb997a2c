"""`shuzhi serve`: start the API (and the web app when built).

One worker (the default) is one process that owns the warehouse read-write: it serves requests,
runs imports, refreshes, datasets and the scheduler. `--workers N` (N > 1) starts N uvicorn worker
processes for read-heavy serving: DuckDB lets several processes open a database file only
read-only, so every worker opens the warehouse read-only, the scheduler does not run, and anything
that writes the warehouse answers 409 "warehouse_read_only" (stop the server, or run one worker,
to import or refresh). Metadata (users, dashboards, sessions) stays writable in every worker.
Admission limits (SHUZHI_MAX_CONCURRENT_REQUESTS, ...) apply per worker.

While it runs, SHUZHI_HOME/run/server.json (cli/local_server.py) names it, so that `shuzhi` commands
on the same SHUZHI_HOME run inside it (cli/forward.py → cli/served.py) instead of failing on the
warehouse lock; with --workers N they run in one of the workers, on the read-only warehouse.
"""

from __future__ import annotations

import os
import signal
import socket

import typer

from shuzhi import __version__
from shuzhi.cli import local_server
from shuzhi.cli.common import runtime, t
from shuzhi.errors import ShuzhiError

# Idle keep-alive connections live this long (uvicorn's default, 5 s, races browsers and clients
# that reuse a connection just as the server closes it: "server disconnected" under load).
KEEP_ALIVE_S = 75


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ShuzhiError(
                "port_unavailable",
                f"无法监听 {host}:{port}（{exc.strerror}）。端口可能已被占用，请用 --port 换一个端口。",
                f"Cannot listen on {host}:{port} ({exc.strerror}). The port may be taken; choose another with --port.",
            ) from None


def serve(
    host: str = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1, SHUZHI_HOST)."),
    port: int = typer.Option(None, "--port", min=1, max=65535, help="Port (default 8000, SHUZHI_PORT)."),
    workers: int = typer.Option(None, "--workers", min=1, max=64,
                                help="Worker processes (default 1, SHUZHI_WORKERS). More than 1 serves the "
                                     "warehouse read-only: no imports, refreshes or scheduler while it runs."),
) -> None:
    """Start the Shuzhi server: the API at /api/v1 and the web app at /. 启动数智服务。"""
    import uvicorn

    from shuzhi.api import create_app

    rt = runtime(start=False)
    host = host or rt.settings.host
    port = port or rt.settings.port
    workers = workers or rt.settings.workers
    _check_port(host, port)
    _check_running(rt.settings.home)  # a server on another port of this SHUZHI_HOME
    info = rt.start()
    key = local_server.new_key()
    app = None
    if workers == 1:
        # The server owns the warehouse read-write (imports, refreshes and datasets write through
        # it) and runs the scheduler; CLI commands that write while it runs get a clear "locked" message.
        rt.warehouse().open()
        rt.start_background()
        app = create_app(runtime=rt, start=False)
        from shuzhi.service.renders import set_server_url

        set_server_url(rt, host, port)  # dashboard renders without a request (subscriptions) draw here
        attach_local_cli(app, key)
        warm_ask(rt)
        from shuzhi.api.routers.dashboards import warm_up

        warm_up(app)  # the most viewed dashboards answered in the background (service/warmup.py)
    else:
        # The workers open the warehouse read-only: upgrade old imports' column names here first
        # (service.name_migration; the one-worker server does it when it wires the app).
        if rt.settings.warehouse_path.exists():
            from shuzhi.service.wiring import upgrade_names

            upgrade_names(rt)
            rt.close()  # its warehouse was opened read-write; the check below reopens it read-only
        rt.warehouse(read_only=True).open().close()  # fails clearly now (missing, locked) rather than in N workers
        rt.close()
    url = f"http://{host}:{port}"
    typer.echo(f"数智 Shuzhi {__version__}  →  {url}   (API: {url}/docs)")
    typer.echo(f"  {t('数据目录', 'Data folder')}: {rt.settings.home}")
    if workers > 1:
        typer.echo("  " + t(f"{workers} 个工作进程，数据仓库只读：导入、刷新、数据集和定时任务需以单进程（--workers 1）运行。",
                            f"{workers} worker processes, warehouse read-only: imports, refreshes, datasets "
                            "and schedules need a single worker (--workers 1)."))
    if info.admin_created and info.admin_password:
        typer.echo("")
        typer.echo("  " + t("首次启动，已创建管理员账号（密码只显示这一次，请妥善保存）：",
                            "First start: an administrator was created (the password is shown only once):"))
        typer.echo(f"    {t('用户名', 'user')}: admin")
        typer.echo(f"    {t('密码', 'password')}: {info.admin_password}")
        typer.echo("")
    elif info.admin_created:
        typer.echo("  " + t("已创建管理员 admin，密码为 SHUZHI_ADMIN_PASSWORD。",
                            "Created the administrator 'admin' with the password in SHUZHI_ADMIN_PASSWORD."))
    else:
        typer.echo("  " + t(
            "登录：用首次启动时显示的 admin 密码；忘记了可运行 shuzhi user password admin 重设。",
            "Log in as admin with the password shown at first start; reset it with `shuzhi user password admin`.",
        ))
    typer.echo("  " + t("按 Ctrl+C 停止。", "Press Ctrl+C to stop."))
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1; the app's
    # TrustedProxyMiddleware reads it only from SHUZHI_TRUSTED_PROXIES (api/proxies.py).
    home = rt.settings.home
    local_server.write(home, host=host, port=port, key=key, workers=workers)  # CLI commands now come here
    _remove_on_sigterm(home)
    try:
        if app is not None:
            uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                        timeout_keep_alive=KEEP_ALIVE_S, proxy_headers=False)
            return
        os.environ["SHUZHI_WORKERS"] = str(workers)  # the worker processes read it through Settings
        uvicorn.run("shuzhi.cli.serve:worker_app", factory=True, workers=workers, host=host, port=port,
                    log_level="warning", access_log=False, timeout_keep_alive=KEEP_ALIVE_S,
                    proxy_headers=False)
    finally:
        local_server.remove(home)


def _remove_on_sigterm(home) -> None:  # type: ignore[no-untyped-def]
    """uvicorn stops gracefully on SIGTERM, then restores the handler it found and raises the signal
    again: this handler, which removes server.json and ends the process as SIGTERM would have."""

    def on_term(signum: int, _frame) -> None:  # type: ignore[no-untyped-def]
        local_server.remove(home)
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    signal.signal(signal.SIGTERM, on_term)


def _check_running(home) -> None:  # type: ignore[no-untyped-def]
    other = local_server.read(home)
    if other is not None:
        raise ShuzhiError(
            "server_running",
            f"这个数据目录（{home}）已有 shuzhi serve 在运行（进程 {other.pid}，{other.url}）。",
            f"A shuzhi serve already runs on this data folder ({home}): process {other.pid}, {other.url}.",
            409,
        )


def attach_local_cli(app, key: str) -> None:  # type: ignore[no-untyped-def]
    """The routes through which `shuzhi` commands on this SHUZHI_HOME run in this server (cli/served.py)."""
    from shuzhi.api.app import API_PREFIX
    from shuzhi.cli.served import local_cli_router

    # POST routes: the web app's catch-all (GET) route does not shadow them.
    app.include_router(local_cli_router(key), prefix=API_PREFIX)


def worker_app():  # type: ignore[no-untyped-def]
    """The app of one `--workers N` process: the warehouse read-only (shared with the other
    workers; the first open decides the handle's mode), no scheduler. Migrations and the first
    admin were done by `shuzhi serve` before the workers started."""
    from shuzhi.api import create_app
    from shuzhi.runtime import Runtime
    from shuzhi.settings import get_settings

    rt = Runtime(get_settings())
    rt.start(create_admin=False)
    rt.warehouse(read_only=True).open()
    app = create_app(runtime=rt, start=False)
    # The control key of the `shuzhi serve` that started this worker (it wrote server.json first).
    info = local_server.read(rt.settings.home)
    if info is not None:
        attach_local_cli(app, info.key)
    warm_ask(rt)
    return app


def warm_ask(rt) -> None:  # type: ignore[no-untyped-def]
    """The question lexicon and the parser, made ready in the background while the server starts, so
    the first question does not build them (service/ask_lexicon.py)."""
    from shuzhi.service.ask_lexicon import warm

    warm(rt)
