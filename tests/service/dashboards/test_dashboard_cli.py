"""`shuzhi dashboard list | export | apply` through the real entry point."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import cli_zygote
from shuzhi.demo.dashboards import install_demo_dashboards
from shuzhi.demo.semantic import install_demo_model
from shuzhi.service.wiring import wire

SHUZHI = str(Path(sys.executable).parent / "shuzhi")


def cli(*args: str, env: dict[str, str] | None = None) -> SimpleNamespace:
    p = cli_zygote.run([*args], env={**os.environ, **(env or {})}, timeout=120)
    return SimpleNamespace(code=p.returncode, out=p.stdout, err=p.stderr)


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_list_export_apply(settings, demo_warehouse, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.runtime import Runtime

    settings.ensure_home()
    shutil.copy(demo_warehouse, settings.warehouse_path)
    rt = Runtime(settings)
    rt.start(with_logging=False, create_admin=False)
    wire(rt)
    with rt.catalog.session() as s:
        install_demo_model(s)
        install_demo_dashboards(s, dt.date(2026, 11, 26))
    rt.close()

    r = cli("dashboard", "list")
    assert r.code == 0, r
    assert [line.split("\t")[0] for line in r.out.splitlines()] == ["cockpit", "sales", "supply", "quality", "rd"]
    r = cli("dashboard", "export", "quality")
    assert r.code == 0 and "质量追溯" in r.out and "defect_rate" in r.out
    text = r.out.replace("name: quality", "name: quality-copy", 1).replace("title: 质量追溯", "title: 质量追溯（副本）", 1)
    f = tmp_path / "q.yaml"
    f.write_text(text, encoding="utf-8")
    r = cli("dashboard", "apply", str(f))
    assert r.code == 0 and "quality-copy" in r.out, r
    r = cli("dashboard", "apply", str(f))
    assert r.code == 0 and "v1" in r.out, r  # unchanged: same version
    f.write_text(text.replace("defect_rate", "defect_rat", 1), encoding="utf-8")
    r = cli("dashboard", "apply", str(f), env={"SHUZHI_LANG": "en"})
    assert r.code == 1 and "Unknown metric defect_rat" in r.err and "Traceback" not in r.err, r
    f.write_text("name: [", encoding="utf-8")
    r = cli("dashboard", "apply", str(f))
    assert r.code == 1 and "YAML" in r.err, r
    r = cli("dashboard", "export", "nope")
    assert r.code == 1 and "nope" in r.err
