"""Innovation questions answered by the real analyses (service/rd_hotspots.py, rd_allocate.py, assess.py) on the
small demo (scale 0.02, seed 42, today 2026-11-26): the answer is the analysis's own result — the same topics,
sub-fields, chosen projects and criteria as calling the service function with the arguments read."""

from __future__ import annotations

from shuzhi.service.ask import ask
from shuzhi.spec.resolve import UserContext

SYSTEM = UserContext.system()


def test_each_intent_answers_with_its_analysis(rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service.assess import assess
    from shuzhi.service.rd_allocate import allocate
    from shuzhi.service.rd_hotspots import hotspots, whitespace

    a = ask(rt, "哪些技术方向在升温", SYSTEM)
    rising = hotspots(rt, SYSTEM)["rising"]
    assert a["intent"] == "hotspots" and a["innovation"]["total"] == len(rising) and rising
    assert a["innovation"]["rows"][0][0] == rising[0]["topic"]
    assert a["summary"].startswith(f"升温最快的技术方向：{rising[0]['topic']}")

    w = ask(rt, "where do we have no patents", SYSTEM)
    spaces = whitespace(rt, SYSTEM)["white_spaces"]
    assert w["intent"] == "whitespace" and spaces and w["innovation"]["rows"][0][0] == spaces[0]["subfield"]
    assert w["summary"].startswith(f"White spaces: {spaces[0]['subfield']}")

    al = ask(rt, "预算2000万、30个人，先做哪些项目", SYSTEM)
    data = allocate(rt, SYSTEM, budget=20_000_000, headcount=30)
    chosen = [c for c in data["candidates"] if c["chosen"]]
    assert al["intent"] == "allocate" and al["innovation"]["total"] == len(data["candidates"])
    assert al["summary"].startswith(f"¥2,000万预算、30人下建议选 {len(chosen)} 个项目")
    assert [r[0] for r in al["innovation"]["rows"][:len(chosen)]] == [c["name"] for c in chosen][:10]
    assert al["innovation"]["link"] == "/innovation/allocate?budget=20000000&headcount=30"

    s = ask(rt, "我们离小巨人还差什么", SYSTEM)
    crits = [c for c in assess(rt, SYSTEM)["criteria"] if c.get("level") == "小巨人"]
    met = sum(c["met"] is True for c in crits)
    assert s["intent"] == "assess" and crits and s["innovation"]["total"] == len(crits)
    assert f"「小巨人」标准 {len(crits)} 项中已满足 {met} 项" in s["summary"]
