"""`shuzhi dataset ...` through the real entry point, with the YAML example of docs/data-sources.md."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cli_zygote

DOC = Path(__file__).resolve().parents[3] / "docs" / "data-sources.md"
SHUZHI = str(Path(sys.executable).parent / "shuzhi")


def shuzhi(*args: str) -> subprocess.CompletedProcess[str]:
    return cli_zygote.run([*args], env=dict(os.environ), timeout=300)


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_dataset_cli_with_the_documented_example(settings, demo_file, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.ensure_home()
    shutil.copy(demo_file, settings.warehouse_path)
    section = DOC.read_text(encoding="utf-8").split("## 自助数据集 Self-service datasets", 1)[1]
    yaml_text = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    path = tmp_path / "east.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    r = shuzhi("dataset", "apply", str(path))
    assert r.returncode == 0 and "east_channel_sales" in r.stdout, r.stderr
    r = shuzhi("dataset", "preview", "east_channel_sales", "--upto", "2", "--format", "json", "--limit", "3")
    out = json.loads(r.stdout)
    assert out["upto"] == 2 and len(out["rows"]) == 3 and out["columns"][-1]["name"] == "省份"
    r = shuzhi("dataset", "materialize", "east_channel_sales")
    assert r.returncode == 0 and "ds_east_channel_sales" in r.stdout, r.stderr
    assert "materialized" in shuzhi("dataset", "list").stdout
    path.write_text(yaml_text.replace("field: amount", "field: amount_typo"), encoding="utf-8")
    r = shuzhi("dataset", "apply", str(path))
    assert r.returncode == 1 and "第 5 步（分组汇总）" in r.stderr and "Traceback" not in r.stderr
    r = shuzhi("dataset", "delete", "east_channel_sales")
    assert r.returncode == 0 and shuzhi("dataset", "show", "east_channel_sales").returncode == 1
