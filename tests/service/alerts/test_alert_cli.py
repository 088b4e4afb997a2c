"""`shuzhi alert add|list|check|firings|remove` on the demo (the real entry point, in a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import cli_zygote
from shuzhi.demo.semantic import install_demo_model
from shuzhi.runtime import Runtime
from shuzhi.service.wiring import wire

SHUZHI = str(Path(sys.executable).parent / "shuzhi")


def cli(*args: str, env: dict[str, str] | None = None) -> SimpleNamespace:
    p = cli_zygote.run([*args], env={**os.environ, **(env or {})},
                       timeout=300)
    return SimpleNamespace(code=p.returncode, out=p.stdout, err=p.stderr)


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_alert_cli_round_trip(settings, demo_file) -> None:  # type: ignore[no-untyped-def]
    settings.ensure_home()
    shutil.copy(demo_file, settings.warehouse_path)
    rt = Runtime(settings)
    rt.start(with_logging=False)
    wire(rt)
    with rt.catalog.session() as s:
        install_demo_model(s)
    rt.close()
    en = {"SHUZHI_LANG": "en"}

    r = cli("alert", "add", "--name", "plant defects", "--metric", "defect_rate", "--type", "anomaly",
            "--by", "production_orders.plant", "--lookback", "12", "--every", "3600", env=en)
    assert r.code == 0 and "Created alert rule 1" in r.out, r
    r = cli("alert", "list", "--format", "json", env=en)
    rules = json.loads(r.out)
    assert rules[0]["schedule"]["interval_s"] == 3600 and rules[0]["owner"] == "admin"

    r = cli("alert", "check", "1", env=en)
    assert r.code == 0 and "1 new" in r.out and "常州工厂" in r.out, r
    r = cli("alert", "check", "--all", env=en)
    assert r.code == 0 and "0 new, 1 duplicate" in r.out, r
    r = cli("alert", "firings", "1", "--format", "json")
    assert [f["series"] for f in json.loads(r.out)] == ["常州工厂"]

    r = cli("alert", "add", "--name", "x", "--metric", "revenu", "--type", "threshold", "--op", ">", "--value", "1",
            env=en)
    assert r.code == 1 and "Unknown metric revenu" in r.err and "Traceback" not in r.err, r
    r = cli("alert", "add", "--name", "x", "--metric", "revenue", "--type", "threshold", "--op", ">", "--value", "1",
            "--cron", "bad cron")
    assert r.code == 1 and "cron" in r.err, r
    assert cli("alert", "check", env=en).code == 1
    assert cli("alert", "remove", "1", env=en).code == 0
    r = cli("alert", "firings", "1", env=en)
    assert r.code == 1 and "not found" in r.err
