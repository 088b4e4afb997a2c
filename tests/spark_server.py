"""A local Spark Connect server for the tests that need Spark, started with pyspark's own script.

`spark_url` (a session fixture) runs `pyspark/sbin/start-connect-server.sh --wait` from the installed pyspark
wheel (Spark 4 ships the Connect server in it; nothing is downloaded) on a free port, in local mode with two
threads and a small heap, with its warehouse and logs in the session's temporary folder, and stops it at the
end. Without java or pyspark the tests skip locally and fail under CI=true (`make spark` installs both).
All Spark tests carry the xdist group "spark", so one worker starts one server (tests/conftest.py).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuzhi_testing import free_port, port_open, service_unavailable

SPARK_GROUP = pytest.mark.xdist_group("spark")
START_TIMEOUT_S = 120


def _spark_home() -> Path | None:
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.origin:
        return None
    home = Path(spec.origin).parent
    return home if (home / "sbin" / "start-connect-server.sh").exists() else None


def _java() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    return shutil.which("java")


def _stop(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def spark_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = _spark_home()
    if home is None:
        service_unavailable("Spark", "pyspark with the Spark Connect server is not installed (make spark)")
    if _java() is None:
        service_unavailable("Spark", "java is not installed (make spark installs openjdk-17-jre-headless)")
    if importlib.util.find_spec("grpc") is None:
        service_unavailable("Spark", "the Spark Connect client needs pyspark[connect] (make spark)")
    work = tmp_path_factory.mktemp("spark")
    port = free_port()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(work / "logs"),
           "SPARK_PID_DIR": str(work / "pid"), "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    confs = {
        "spark.connect.grpc.binding.address": "127.0.0.1",
        "spark.connect.grpc.binding.port": str(port),
        "spark.ui.enabled": "false",
        # Tuned for a few thousand rows on two shared cores: one shuffle partition, no adaptive re-planning,
        # no whole-stage code generation (compiling code per query costs more than it saves here), and the
        # JVM's quick compiler only (the server lives for a few minutes).
        "spark.sql.shuffle.partitions": "1",
        "spark.default.parallelism": "1",
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",
        "spark.sql.warehouse.dir": str(work / "warehouse"),
        "spark.driver.extraJavaOptions": f"-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir={work}",
        "spark.sql.session.timeZone": "UTC",
    }
    cmd = ["bash", str(home / "sbin" / "start-connect-server.sh"), "--wait", "--master", "local[2]",
           "--driver-memory", "768m"]
    for k, v in confs.items():
        cmd += ["--conf", f"{k}={v}"]
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while not port_open("127.0.0.1", port):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (work / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"the Spark Connect server did not start (exit {proc.poll()}):\n{tail}", pytrace=False)
            time.sleep(0.25)
        yield f"sc://127.0.0.1:{port}"
    finally:
        _stop(proc)
        log.close()
