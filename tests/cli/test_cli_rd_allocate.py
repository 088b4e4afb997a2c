"""`shuzhi rd allocate`: the JSON shape of the interface, the table, must / exclude forms, clear failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def demo(cli, _isolated_env: Path):  # type: ignore[no-untyped-def]
    r = cli("demo", "--scale", "0.02", "--seed", "9", "--end", "2026-10-31")
    assert r.code == 0, r
    return cli


@pytest.mark.slow  # a CLI process per step
def test_rd_allocate_from_the_shell(demo) -> None:  # type: ignore[no-untyped-def]
    r = demo("rd", "allocate", "--budget", "3000万", "--headcount", "40", "--format", "json")
    assert r.code == 0, r
    out = json.loads(r.out)
    assert out["budget"] == 30_000_000 and out["headcount"] == 40
    cands = out["candidates"]
    assert len(cands) > 25
    for c in cands:
        assert isinstance(c["id"], str) and isinstance(c["name"], str) and isinstance(c["chosen"], bool)
        assert all(isinstance(c[k], int | float) and not isinstance(c[k], bool) for k in ("score", "cost", "headcount"))
    chosen = [c for c in cands if c["chosen"]]
    assert sum(c["cost"] for c in chosen) <= 30_000_000 and sum(c["headcount"] for c in chosen) <= 40
    assert set(out["marginal"]) == {"budget_100wan", "one_engineer"}
    props = [c["id"] for c in cands if c["id"].startswith("RP")]
    a, b, c_last = props[0], props[1], props[-1]
    # one --must followed by more ids, and repeated --exclude
    r = demo("rd", "allocate", "--budget", "30000000", "--headcount", "40", "--must", c_last, b,
             "--exclude", a, "--format", "json")
    assert r.code == 0, r
    by = {c["id"]: c for c in json.loads(r.out)["candidates"]}
    assert by[c_last]["chosen"] and by[b]["chosen"] and not by[a]["chosen"]
    r = demo("rd", "allocate", "--budget", "3000万", "--headcount", "40", "--weights",
             "strategic_fit=1,expected_value=1,risk=0,field_signal=0", "--format", "json")
    assert r.code == 0, r
    out = json.loads(r.out)
    assert not out["keep_running"] and out["weights"] == {"strategic_fit": 0.5, "expected_value": 0.5, "risk": 0.0,
                                                   "field_signal": 0.0}
    r = demo("rd", "allocate", "--budget", "3000万", "--headcount", "40", "--weights", "risk")
    assert r.code == 1 and "--weights" in r.err, r
    r = demo("rd", "allocate", "--budget", "3000万", "--headcount", "40")
    assert r.code == 0 and "边际价值" in r.out and a in r.out, r
    r = demo("rd", "allocate", "--budget", "1万", "--headcount", "1", "--must", a, "--must", b)
    assert r.code == 1 and "必选项目无法同时满足" in r.err, r
    r = demo("rd", "allocate", "--budget", "1万", "--headcount", "1", "--must", a, env={"SHUZHI_LANG": "en"})
    assert r.code == 1 and "must-fund" in r.err, r
    r = demo("rd", "allocate", "--budget", "lots", "--headcount", "1")
    assert r.code == 1 and "--budget" in r.err, r
    r = demo("rd", "allocate", "--budget", "3000万", "--headcount", "40", "--format", "xml")
    assert r.code == 1 and "--format" in r.err, r
