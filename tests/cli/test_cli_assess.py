"""`shuzhi assess`: --format json has the fixed shape ({"criteria": [{"name", "value", "threshold", "met"}]}, rates
as fractions), `assess answer KEY VALUE` stores an answer the next assessment reads, `assess answers` lists
them, and bad input (unknown item, wrong type, year out of range, unknown format) exits 1 with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def demo(cli, _isolated_env: Path):  # type: ignore[no-untyped-def]
    r = cli("demo", "--scale", "0.02", "--seed", "3", "--end", "2026-10-31")
    assert r.code == 0, r
    return cli


@pytest.mark.slow  # a CLI process per step
def test_assess_from_the_shell(demo) -> None:  # type: ignore[no-untyped-def]
    r = demo("assess", "--format", "json")
    assert r.code == 0, r
    out = json.loads(r.out)
    assert out["year"] == 2026 and len(out["criteria"]) >= 20
    for c in out["criteria"]:
        assert isinstance(c["name"], str) and c["name"]
        assert c["value"] is None or isinstance(c["value"], int | float)
        assert c["threshold"] is None or isinstance(c["threshold"], int | float)
        assert c["met"] in (True, False, None)
    rows = {c["id"]: c for c in out["criteria"]}
    assert 0 < rows["p_rd_share"]["value"] < 1 and rows["p_rd_share"]["threshold"] == 0.03  # a fraction
    assert rows["n_niche"]["met"] is None and rows["n_niche"]["needs"] == ["years_in_niche"]
    assert {lv["level"] for lv in out["summary"]["levels"]} == {"专精特新", "小巨人"}

    r = demo("assess", "answer", "years_in_niche", "4")
    assert r.code == 0 and "years_in_niche" in r.out, r
    r = demo("assess", "--year", "2025", "--format", "json")
    rows = {c["id"]: c for c in json.loads(r.out)["criteria"]}
    assert json.loads(r.out)["year"] == 2025 and rows["n_niche"]["value"] == 4 and rows["n_niche"]["met"] is True
    r = demo("assess", "answers", "--format", "json")
    assert r.code == 0 and json.loads(r.out)["answers"] == {"years_in_niche": 4}
    r = demo("assess", "answer", "years_in_niche", "-")
    assert r.code == 0 and json.loads(demo("assess", "answers", "--format", "json").out)["answers"] == {}

    r = demo("assess")
    assert r.code == 0 and "专精特新" in r.out and "小巨人" in r.out and "待填报" in r.out

    for args, word in [(("assess", "answer", "no_such_item", "1"), "no_such_item"),
                       (("assess", "answer", "employees", "many"), "employees"),
                       (("assess", "--year", "1990"), "1990"),
                       (("assess", "--format", "xml"), "xml")]:
        r = demo(*args)
        assert r.code == 1 and word in r.err and len(r.err.strip().splitlines()) == 1, (args, r)
