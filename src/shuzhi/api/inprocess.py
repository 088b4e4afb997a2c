"""The web app served inside the calling process, for the CLI's headless renders (issue 15).

`serve_in_process(rt)` starts the app of this very Runtime with uvicorn on 127.0.0.1 and an ephemeral
port, in a daemon thread, and yields its base URL; leaving the block stops it. No second process, no
second open of the warehouse. The app's lifespan is off: the Runtime belongs to the caller, who closes it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from shuzhi.errors import ShuzhiError
from shuzhi.runtime import Runtime


def frontend_built() -> bool:
    from shuzhi.api.app import _frontend_dist

    return _frontend_dist() is not None


@contextmanager
def serve_in_process(rt: Runtime, *, start_timeout_s: float = 30.0) -> Iterator[str]:
    import uvicorn

    from shuzhi.api.app import create_app

    if not frontend_built():
        raise ShuzhiError(
            "web_app_missing",
            "网页应用尚未构建（frontend/dist），无法绘制仪表板：请先运行 cd frontend && npm ci && npm run build。",
            "The web app is not built (frontend/dist), so dashboards cannot be drawn: run "
            "cd frontend && npm ci && npm run build first.",
            503,
        )
    app = create_app(runtime=rt, start=False)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="shuzhi-render-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ShuzhiError(
                "render_server_failed",
                "无法在本进程内启动网页服务以绘制仪表板。",
                "Could not start the web app inside this process to draw the dashboard.",
                500,
            )
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.dashboard_answers.close()
