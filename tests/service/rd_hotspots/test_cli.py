"""`shuzhi rd hotspots` and `shuzhi rd whitespace` on the demo: the fixed JSON shapes, the table for a
Chinese R&D director, a bad field's clear error (the real entry point, in a subprocess)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

import cli_zygote
from shuzhi.demo.semantic import install_demo_model
from shuzhi.runtime import Runtime


def _cli(*args: str) -> tuple[int, str, str]:
    p = cli_zygote.run([*args], env=dict(os.environ), timeout=600)
    return p.returncode, p.stdout, p.stderr


@pytest.mark.slow  # a CLI process per step; the first mines the demo's 6,000 patents
def test_rd_commands(settings, demo) -> None:  # type: ignore[no-untyped-def]
    settings.ensure_home()
    shutil.copy(demo, settings.warehouse_path)
    rt = Runtime(settings)
    rt.start(with_logging=False)
    with rt.catalog.session() as s:
        install_demo_model(s)
    rt.close()

    code, out, err = _cli("rd", "hotspots", "--format", "json")
    assert code == 0, err
    hot = json.loads(out)
    assert isinstance(hot["rising"], list) and isinstance(hot["falling"], list) and hot["rising"]
    for r in hot["rising"]:
        assert isinstance(r["topic"], str) and r["terms"] and r["periods"] and "growth" in r and r["applicants"]
    ratios = [r["share_ratio"] for r in hot["rising"]]
    assert ratios == sorted(ratios, reverse=True)  # most rising first

    code, out, err = _cli("rd", "whitespace", "--format", "json")
    assert code == 0, err
    ws = json.loads(out)["white_spaces"]
    assert ws and all(isinstance(w["subfield"], str) and w["terms"] and w["evidence"]["zh"] for w in ws)
    assert [w["rank"] for w in ws] == list(range(1, len(ws) + 1))

    code, out, err = _cli("rd", "hotspots", "--field", "新材料", "--years", "3")
    assert code == 0, err
    assert "技术热点（新材料，近3年）" in out and "升温主题" in out and "关键词" in out
    code, out, err = _cli("rd", "whitespace")
    assert code == 0 and "技术空白" in out and "1. " in out and "华精科技" in out

    code, out, err = _cli("rd", "hotspots", "--field", "不存在的领域", "--format", "json")
    assert code == 1 and "不存在的领域" in err and out == ""
    code, out, err = _cli("rd", "whitespace", "--format", "xml")
    assert code == 1 and "json 或 table" in err
