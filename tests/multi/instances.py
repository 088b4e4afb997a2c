"""Several real `shuzhi serve` processes on one metadata store, one Redis and one data source.

    with instances(2, env) as (a, b):   # started together (the first-start race), each healthy
        a.client.post(...)               # an httpx.Client on that instance, signed in as admin

The shared data, switched in one place: DATA_MODE "direct" (today) gives the instances a model
whose `connection` is the PostgreSQL database holding the tables; "warehouse" (once
SHUZHI_WAREHOUSE_URL exists) gives them that database as their warehouse and a model without a
connection. Either way every instance reads the same rows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from shuzhi_testing import TEST_PASSWORD, free_port

REDIS_URL = os.environ.get("SHUZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DATA_MODE = "warehouse"  # SHUZHI_WAREHOUSE_URL on the shared PostgreSQL ("direct": a model with a connection to it)
TODAY = "2026-11-26"


def shuzhi_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("shuzhi")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "shuzhi.cli"]


def data_env(data_url: str) -> dict[str, str]:
    """What the instances need in their environment to read the shared data."""
    return {"SHUZHI_WAREHOUSE_URL": data_url} if DATA_MODE == "warehouse" else {}


def data_connection() -> str | None:
    """The connection name the shared model names (None: the warehouse)."""
    return None if DATA_MODE == "warehouse" else "shared_pg"


def load_data(url: str) -> None:
    """Two small tables: 3 regions × 40 orders over two months, and a manager per region."""
    eng = sa.create_engine(url)
    with eng.begin() as c:
        c.execute(sa.text("CREATE TABLE customers (region VARCHAR(16) PRIMARY KEY, manager VARCHAR(32))"))
        c.execute(sa.text("CREATE TABLE orders (id INTEGER PRIMARY KEY, region VARCHAR(16), amount DOUBLE PRECISION,"
                          " qty INTEGER, order_date DATE)"))
        c.execute(sa.text("INSERT INTO customers VALUES ('华东', '经理0'), ('华南', '经理1'), ('华北', '经理2')"))
        rows = [{"id": i, "r": ("华东", "华南", "华北")[i % 3], "a": 100.0 + i, "q": 1 + i % 5,
                 "d": f"2026-{10 + i % 2:02d}-{1 + i % 28:02d}"} for i in range(120)]
        c.execute(sa.text("INSERT INTO orders VALUES (:id, :r, :a, :q, CAST(:d AS DATE))"), rows)
    eng.dispose()


def shared_model(connection: str | None) -> dict:
    return {
        "name": "multi", "label": "多实例", "connection": connection,
        "datasets": [
            {"name": "orders", "table": "orders", "primary_key": ["id"],
             "fields": [{"name": "id", "type": "integer"}, {"name": "region", "type": "string"},
                        {"name": "amount", "type": "number"}, {"name": "qty", "type": "integer"},
                        {"name": "order_date", "type": "date"}],
             "joins": [{"to": "customers", "on": {"region": "region"}}]},
            {"name": "customers", "table": "customers", "primary_key": ["region"],
             "fields": [{"name": "region", "type": "string"}, {"name": "manager", "type": "string"}]},
        ],
        "metrics": [
            {"name": "revenue", "label": "销售额", "dataset": "orders", "agg": "sum", "expr": "amount",
             "time": "order_date"},
            {"name": "order_count", "label": "订单数", "dataset": "orders", "agg": "count", "time": "order_date"},
        ],
    }


@dataclass
class Instance:
    base: str
    home: Path
    proc: subprocess.Popen
    client: httpx.Client = field(init=False)
    headers: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        """The server's output and the end of its log files (for failure messages)."""
        logs = [p.read_text(errors="replace")[-4000:] for p in sorted((self.home / "logs").glob("*"))]
        return "\n".join([(self.home / "serve.log").read_text(errors="replace"), *logs])

    def wait_healthy(self, timeout_s: float = 60) -> None:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.base} exited ({self.proc.returncode}):\n{self.log()[-3000:]}")
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.base} did not start:\n{self.log()[-3000:]}")

    def sign_in(self) -> None:
        self.client = httpx.Client(base_url=self.base, timeout=60)
        r = self.client.post("/api/v1/auth/login", json={"username": "admin", "password": TEST_PASSWORD})
        assert r.status_code == 200, r.text
        self.headers = {"X-CSRF-Token": r.json()["csrf_token"]}

    def stop(self) -> None:
        if getattr(self, "client", None) is not None:
            self.client.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


@contextmanager
def instances(n: int, env: dict[str, str]) -> Iterator[list[Instance]]:
    """n `shuzhi serve` processes started at the same moment, each with a SHUZHI_HOME of its own."""
    started: list[Instance] = []
    with ExitStack() as stack:
        for i in range(n):
            home = Path(tempfile.mkdtemp(prefix=f"shuzhi-multi-{i}-"))
            stack.callback(shutil.rmtree, home, True)
            port = free_port()
            log = stack.enter_context(open(home / "serve.log", "wb"))
            full = {**os.environ, "SHUZHI_HOME": str(home), "SHUZHI_ADMIN_PASSWORD": TEST_PASSWORD,
                    "SHUZHI_TODAY": TODAY, **env}
            proc = subprocess.Popen([*shuzhi_cmd(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                    env=full, stdout=log, stderr=subprocess.STDOUT)
            inst = Instance(f"http://127.0.0.1:{port}", home, proc)
            started.append(inst)
            stack.callback(inst.stop)
        for inst in started:
            inst.wait_healthy()
            inst.sign_in()
        yield started
