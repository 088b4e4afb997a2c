"""ai.innovation on a synthetic landscape (tests/ai/innovation/synthetic.py, independent of the demo): the
phrases come from the data, the young fast-growing sub-field is the most rising topic, the sub-field where
the industry grows and the company never files is the first white space, the shrinking one falls; filters,
the drill, the technology map and the per-field signals."""

from __future__ import annotations

import pytest
from synthetic import COMPANY, EMERGING, FADING, SUBFIELDS, WHITE, landscape

from shuzhi.ai.innovation.corpus import Corpus
from shuzhi.ai.innovation.mining import Mined, mine
from shuzhi.ai.innovation.phrases import tokenize_all
from shuzhi.ai.innovation.trends import drill, hotspots
from shuzhi.ai.innovation.whitespace import field_signals, techmap, whitespace
from shuzhi.errors import ShuzhiError


@pytest.fixture(scope="module")
def mined() -> Mined:
    return mine(Corpus.from_rows(landscape(3000), company=COMPANY))


def _words(sub: str) -> set[str]:
    _, objects, parts = SUBFIELDS[sub]
    return set(objects) | set(parts)


def _about(item: dict, sub: str) -> bool:  # type: ignore[type-arg]
    """The topic's label or first three terms are (contained in) the sub-field's own words."""
    words = _words(sub)
    return any(w in item.get("topic", item.get("subfield", "")) or any(w in t or t in w for t in item["terms"][:3])
               for w in words)


def test_phrases_are_built_from_the_data() -> None:
    texts = [f"本发明公开了一种谐波减速器，包括柔轮组件和波发生器。适用于{x}。" for x in ("机器人关节", "数控机床")] * 20
    tok = tokenize_all(texts, min_count=5)
    assert "柔轮组件" in tok.docs[0] or "柔轮组件" in tok.phrases
    assert not {"本发明", "公开", "包括", "一种", "适用于"} & {w for d in tok.docs for w in d}


def test_both_methods_are_measured_and_the_more_coherent_wins(mined: Mined) -> None:
    assert set(mined.scores) == {"nmf", "lda"}
    assert mined.method == max(mined.scores, key=lambda m: mined.scores[m]["coherence"])
    assert mined.phrases and all(len(p) >= 2 for p, _ in mined.phrases)


def test_the_emerging_subfield_rises_most_and_the_fading_one_falls(mined: Mined) -> None:
    out = hotspots(mined)
    assert out["rising"] and _about(out["rising"][0], EMERGING), [r["topic"] for r in out["rising"]]
    ratios = [r["share_ratio"] for r in out["rising"]]
    assert ratios == sorted(ratios, reverse=True)
    assert any(_about(r, FADING) for r in out["falling"]), [r["topic"] for r in out["falling"]]
    r = out["rising"][0]
    assert r["recent"] > r["previous"] and r["growth"] > 1 and len(r["periods"]) == len(out["periods"])
    assert r["examples"] and r["applicants"] and {"patents", "share", "overall_share"} <= set(r["company"])


def test_the_white_space_is_first_with_its_evidence(mined: Mined) -> None:
    spaces = whitespace(mined)["white_spaces"]
    assert spaces and _about(spaces[0], WHITE), [(s["subfield"], s["score"]) for s in spaces]
    first = spaces[0]
    assert first["company"]["patents"] == 0 and first["growth"] > 0 and first["rank"] == 1
    assert COMPANY in first["evidence"]["zh"] and first["examples"]
    absent = [s["score"] for s in spaces if s["presence"] == "absent"]
    assert absent == sorted(absent, reverse=True) and spaces[0]["presence"] == "absent"


def test_filters_drill_map_and_signals(mined: Mined) -> None:
    field = SUBFIELDS[WHITE][0]
    out = hotspots(mined, field=field, years=3)
    assert out["field"] == field and out["patents"] < len(mined.corpus)
    for lst in ("rising", "falling", "steady"):
        for r in out[lst]:
            assert all(e["tech_field"] == field for e in r["examples"])
    with pytest.raises(ShuzhiError) as e:
        hotspots(mined, field="没有这个领域")
    assert e.value.code == "unknown_tech_field" and e.value.status == 404
    with pytest.raises(ShuzhiError):
        hotspots(mined, years=0)
    topic = hotspots(mined)["rising"][0]
    d = drill(mined, topic["id"], limit=10)
    assert d["total"] == topic["patents"] and len(d["patents"]) == 10
    dates = [p["application_date"] for p in d["patents"]]
    assert dates == sorted(dates, reverse=True)
    with pytest.raises(ShuzhiError) as e:
        drill(mined, "c999")
    assert e.value.status == 404
    m = techmap(mined)
    assert sum(g["count"] for g in m["grid"]) == len(mined.corpus) == sum(c["count"] for c in m["cells"])
    assert any(a["is_company"] for a in m["applicants"])
    sig = field_signals(mined)
    assert set(sig) == {f for f, _, _ in SUBFIELDS.values()}
    assert sig[field]["white_space"] is True and sig[field]["industry_growth"] is not None


def test_mining_is_deterministic(mined: Mined) -> None:
    again = mine(Corpus.from_rows(landscape(3000), company=COMPANY))
    assert [t.label for t in again.topics] == [t.label for t in mined.topics]
