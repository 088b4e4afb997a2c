"""`shuzhi serve --workers 2`: several processes serve the read-only warehouse (issue 12, finding 5)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from cli_helpers import SHUZHI

from shuzhi_testing import free_port

PASSWORD = "Workers-Admin-Pass-01"




@pytest.mark.slow
def test_serve_with_two_workers_answers_dashboards_read_only(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "SHUZHI_ADMIN_PASSWORD": PASSWORD}
    r = cli("demo", "--scale", "0.02", "--end", "2026-11-25", env=env)
    assert r.code == 0, r
    port = free_port()
    proc = subprocess.Popen([SHUZHI, "serve", "--port", str(port), "--workers", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    try:
        lines = []
        deadline = time.time() + 90
        while time.time() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            lines.append(line)
            if "Ctrl+C" in line or not line:
                break
        text = "".join(lines)
        assert "2 个工作进程" in text and "只读" in text, text
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=30) as c:
            login = c.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
            assert login.status_code == 200, login.text
            h = {"X-CSRF-Token": login.json()["csrf_token"]}
            for _ in range(4):  # connections spread over both workers; each opened the warehouse read-only
                assert c.get("/api/v1/dashboards/cockpit").status_code == 200
                data = c.post("/api/v1/dashboards/cockpit/data", json={}, headers=h)
                assert data.status_code == 200, data.text
                assert not any(comp["error"] for comp in data.json()["components"].values())
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    # The read-only workers left the warehouse as it was: a single-worker start opens it read-write.
    assert cli("sql", "SELECT count(*) FROM customers", env=env).code == 0
