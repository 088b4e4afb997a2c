"""`shuzhi ask` for an innovation question: the summary, the analysis's first rows as a table and the page's link;
--format json carries `innovation` and exits 0 (no query result is no failure here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shuzhi.cli.ask import print_innovation

CARD = {"kind": "allocate", "link": "/innovation/allocate?budget=30000000", "args": {"budget": 30_000_000.0},
        "columns": [{"name": "name", "label": "项目", "label_en": "project", "format": "text"},
                    {"name": "cost", "label": "费用", "label_en": "cost", "format": "currency"},
                    {"name": "chosen", "label": "建议立项", "label_en": "chosen", "format": "bool"}],
        "rows": [["谐波减速机二代", 12_000_000.0, True], ["陶瓷轴承预研", 15_000_000.0, False]], "total": 25}


def test_the_card_is_printed(capsys) -> None:  # type: ignore[no-untyped-def]
    print_innovation(CARD)
    out = capsys.readouterr().out
    assert "谐波减速机二代" in out and "1,200万" in out and "✓" in out and "✗" in out
    assert "（共 25 行，显示前 2 行）" in out and "完整分析：/innovation/allocate?budget=30000000" in out


@pytest.fixture
def demo(cli, _isolated_env: Path):  # type: ignore[no-untyped-def]
    r = cli("demo", "--scale", "0.02", "--seed", "9", "--end", "2026-10-31")
    assert r.code == 0, r
    return cli


@pytest.mark.slow  # a CLI process per step; the real analyses (service/rd_allocate.py, assess.py)
def test_ask_innovation_from_the_shell(demo) -> None:  # type: ignore[no-untyped-def]
    r = demo("ask", "明年3000万研发预算怎么分", "--format", "json")
    assert r.code == 0, r
    a = json.loads(r.out)
    assert a["intent"] == "allocate" and a["innovation"]["link"] == "/innovation/allocate?budget=30000000"
    assert a["summary"].startswith("¥3,000万预算") and a["innovation"]["rows"]
    r = demo("ask", "我们离小巨人还差什么")
    assert r.code == 0, r
    assert "「小巨人」标准" in r.out and "完整分析：/innovation/assess" in r.out
