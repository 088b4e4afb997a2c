"""The analysis finds the demo's injected facts from text and counts alone (issue 17, "Done when"):
the emerging topic among the top three rising topics, the white space ranked first — on two seeds.
Only this test reads demo_ground_truth, to check the answer."""

from __future__ import annotations

import pytest
from hotspots_env import ground_truth, matches

from shuzhi.service.rd_hotspots import hotspots, whitespace
from shuzhi.spec.resolve import UserContext
from shuzhi_testing import client_over, demo_file

ADMIN = UserContext.system()
SEEDS = {3: "2026-10-31", 42: "2026-10-31"}


@pytest.fixture(scope="module", params=sorted(SEEDS), ids=lambda s: f"seed{s}")
def demo(request, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.02, seed=request.param, end=SEEDS[request.param])


@pytest.fixture
def rt(make_client, settings, demo):  # type: ignore[no-untyped-def]
    return client_over(make_client, settings, demo).app.state.runtime


def test_the_emerging_topic_is_among_the_top_three_rising(rt, demo) -> None:  # type: ignore[no-untyped-def]
    term = ground_truth(demo, "emerging_topic")
    rising = hotspots(rt, ADMIN)["rising"]
    top = [(r["topic"], r["terms"][:3]) for r in rising[:3]]
    assert any(matches(term, r, "topic") for r in rising[:3]), f"{term!r} not in the top three rising: {top}"


def test_the_white_space_is_ranked_first(rt, demo) -> None:  # type: ignore[no-untyped-def]
    term = ground_truth(demo, "white_space")
    spaces = whitespace(rt, ADMIN)["white_spaces"]
    assert spaces, "no white space found"
    first = spaces[0]
    assert matches(term, first, "subfield"), (
        f"{term!r} is not the first white space: {[(s['subfield'], s['terms'][:3]) for s in spaces[:5]]}")
