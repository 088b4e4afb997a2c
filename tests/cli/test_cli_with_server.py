"""`shuzhi` commands while `shuzhi serve` runs on the same SHUZHI_HOME: they run inside the server.

One real server process and CLI subprocesses (slow); the guards of the local route, server.json and
the stale-file rule run in-process (fast)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from cli_helpers import SHUZHI

from shuzhi_testing import TEST_PASSWORD, free_port


@pytest.mark.slow  # a demo, a server and a CLI process per step
def test_commands_run_in_the_running_server(cli, _isolated_env: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "SHUZHI_ADMIN_PASSWORD": TEST_PASSWORD}
    assert cli("demo", "--scale", "0.02", "--end", "2026-11-25", env=env).code == 0
    port = free_port()
    proc = subprocess.Popen(
        [SHUZHI, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(proc, base)
        info = json.loads((_isolated_env / "run" / "server.json").read_text())
        assert info["pid"] == proc.pid and info["port"] == port
        assert stat.S_IMODE((_isolated_env / "run" / "server.json").stat().st_mode) == 0o600

        # import with a path relative to the caller's working directory (not the server's)
        work = tmp_path / "work"
        work.mkdir()
        (work / "工单.csv").write_text("工单号,数量\nW1,3\nW2,5\n", encoding="utf-8")
        r = _run(["import", "工单.csv", "--table", "cli_orders"], cwd=work, env=env)
        assert r.returncode == 0, r
        assert "已导入 2 行到表 cli_orders" in r.stdout
        # ... and the server's users see the table at once
        with httpx.Client(base_url=base, timeout=30) as c:
            h = {
                "X-CSRF-Token": c.post(
                    "/api/v1/auth/login", json={"username": "admin", "password": TEST_PASSWORD}
                ).json()["csrf_token"]
            }
            sql = c.post("/api/v1/sql", json={"sql": "SELECT sum(数量) AS n FROM cli_orders"}, headers=h)
            assert sql.status_code == 200, sql.text
            assert sql.json()["rows"] == [[8]]

        # a query from a spec file, in English, with the caller's exit code on an error
        (work / "q.json").write_text(json.dumps({"metrics": ["revenue"], "dimensions": ["customers.region"]}))
        r = _run(["query", "q.json", "--format", "json"], cwd=work, env={**env, "SHUZHI_LANG": "en"})
        assert r.returncode == 0, r
        assert len(json.loads(r.stdout)["rows"]) > 3
        r = _run(["query", "missing.json"], cwd=work, env={**env, "SHUZHI_LANG": "en"})
        assert r.returncode == 1 and "Cannot read missing.json" in r.stderr, r

        # standard input reaches the command (a password), and the catalog change is the server's
        r = _run(["user", "create", "dora", "--role", "viewer"], cwd=work, env=env, input="Dora-Pass-0001\n")
        assert r.returncode == 0, r
        r = _run(["user", "list", "--format", "json"], cwd=work, env=env)
        assert r.returncode == 0 and "dora" in [u["username"] for u in json.loads(r.stdout)], r
        with httpx.Client(base_url=base, timeout=30) as c:
            login = c.post("/api/v1/auth/login", json={"username": "dora", "password": "Dora-Pass-0001"})
            assert login.status_code == 200, login.text

        # the real handshake: a wrong control key is answered 403
        from websockets.exceptions import InvalidStatus
        from websockets.sync.client import connect

        with pytest.raises(InvalidStatus) as refused:
            connect(
                f"ws://127.0.0.1:{port}/api/v1/local/cli",
                additional_headers={"X-Shuzhi-Control-Key": "x"},
                proxy=None,
            )
        assert refused.value.response.status_code == 403

        # rebuilding the demo under a running server is refused with the reason
        r = _run(["demo", "--scale", "0.02"], cwd=work, env=env)
        assert r.returncode == 1 and "请先停止服务" in r.stderr, r
        # a second server on the same SHUZHI_HOME says which one runs
        r = _run(["serve", "--port", str(free_port())], cwd=work, env=env)
        assert r.returncode == 1 and str(proc.pid) in r.stderr, r
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert not (_isolated_env / "run" / "server.json").exists()  # removed on shutdown
    assert cli("sql", "SELECT count(*) FROM cli_orders", env=env).code == 0  # runs here again


def _run(
    args: list[str], *, cwd: Path, env: dict[str, str], input: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SHUZHI, *args], cwd=cwd, env=env, input=input, capture_output=True, text=True, timeout=300
    )


def _wait_until_up(proc: subprocess.Popen[str], base: str) -> None:
    deadline = time.time() + 90
    while time.time() < deadline:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if "Ctrl+C" in line or not line:
            break
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("shuzhi serve did not start")


# -- in-process: the route's guards, server.json ------------------------------------------------------
KEY = "k" * 43


@pytest.fixture
def local_app(make_client):  # type: ignore[no-untyped-def]
    from shuzhi.cli.serve import attach_local_cli

    client = make_client()
    attach_local_cli(client.app, KEY)
    return client.app


def _command(
    app,
    *,
    client=("127.0.0.1", 50000),
    headers=None,
    argv=("user", "list", "--format", "json"),  # type: ignore[no-untyped-def]
    answers=(),
):
    """Run one forwarded command over the local WebSocket; its messages."""
    from fastapi.testclient import TestClient

    c = TestClient(app, client=client)  # no lifespan: it would close the runtime
    frames = []
    with c.websocket_connect("/api/v1/local/cli", headers=headers or {}) as ws:
        ws.send_text(json.dumps({"argv": list(argv), "cwd": "/", "env": {"SHUZHI_LANG": "en"}}))
        pending = list(answers)
        while True:
            frame = ws.receive_json()
            frames.append(frame)
            if "ask" in frame:
                ws.send_text(json.dumps({"text": pending.pop(0)}))
            if "exit" in frame:
                return frames


def _refused(app, **kw) -> bool:  # type: ignore[no-untyped-def]
    from starlette.websockets import WebSocketDisconnect

    try:
        _command(app, **kw)
    except WebSocketDisconnect as exc:
        return exc.code == 1008
    return False


def test_local_route_runs_a_command_for_the_key_holder_on_this_machine(local_app) -> None:  # type: ignore[no-untyped-def]
    key = {"X-Shuzhi-Control-Key": KEY}
    frames = _command(local_app, headers=key)
    assert frames[-1] == {"exit": 0}
    assert [u["username"] for u in json.loads("".join(f.get("o", "") for f in frames))] == ["admin"]
    # standard input is asked for only when read (a password), and errors come in the caller's language
    frames = _command(
        local_app,
        headers=key,
        argv=("user", "create", "erin", "--role", "viewer"),
        answers=["Erin-Pass-0001\n"],
    )
    assert {"ask": "stdin", "prompt": ""} in frames and frames[-1] == {"exit": 0}, frames
    frames = _command(local_app, headers=key, argv=("user", "delete", "nobody", "--yes"))
    assert frames[-1] == {"exit": 1} and "Error:" in "".join(f.get("e", "") for f in frames)


def test_local_route_refuses_wrong_key_remote_callers_and_proxied_requests(local_app) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    assert _refused(local_app)  # no key
    assert _refused(local_app, headers={"X-Shuzhi-Control-Key": "k" * 42 + "x"})
    assert _refused(local_app, client=("192.0.2.7", 40000), headers={"X-Shuzhi-Control-Key": KEY})
    assert _refused(local_app, headers={"X-Shuzhi-Control-Key": KEY, "X-Forwarded-For": "192.0.2.7"})
    assert _refused(
        local_app, headers={"X-Shuzhi-Control-Key": KEY, "Origin": "http://127.0.0.1:8000"}
    )  # a browser
    assert not _refused(local_app, headers={"X-Shuzhi-Control-Key": KEY})
    paths = TestClient(local_app).get("/openapi.json").json()["paths"]
    assert not any(p.startswith("/api/v1/local") for p in paths)


def test_server_file_is_private_and_a_stale_one_is_ignored(_isolated_env: Path) -> None:
    from shuzhi.cli import forward, local_server

    _isolated_env.mkdir(parents=True, exist_ok=True)
    info = local_server.write(_isolated_env, host="0.0.0.0", port=8123, key="abc", workers=1)  # noqa: S104
    path = local_server.server_file(_isolated_env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert local_server.read(_isolated_env) == info and info.url == "http://127.0.0.1:8123"
    assert forward.live_server() == info
    dead = subprocess.Popen(["true"])
    dead.wait()
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "owner": data["owner"].replace(f"/{os.getpid()}/", f"/{dead.pid}/")}))
    assert local_server.read(_isolated_env) is None and forward.live_server() is None  # stale: absent
    boot = data["owner"].split("/")[1]
    path.write_text(json.dumps({**data, "owner": data["owner"].replace(boot, "another-boot")}))
    assert local_server.read(_isolated_env) is None  # written before the machine restarted (pid reused)
    path.write_text("{not json")
    assert local_server.read(_isolated_env) is None
    assert not forward.forwardable(["serve"]) and not forward.forwardable(["--version"])
    assert not forward.forwardable(["import", "--help"]) and forward.forwardable(["import", "x.csv"])
