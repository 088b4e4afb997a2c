"""Innovation-intelligence extension: industry_patents, rd_proposals, rd_capacity and the two planted facts."""

# ruff: noqa: S608  (the terms in the SQL come from the ground truth of a demo this test built)

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from demo_helpers import END, scalar

from shuzhi.demo import build_demo, demo_anomalies, industry_text, rd_text
from shuzhi.demo import industry_patents as ip
from shuzhi.demo.calendar import make_window
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import TECH_FIELDS
from shuzhi.demo.patents import generate as generate_patents
from shuzhi.demo.products import generate as generate_products
from shuzhi.demo.rd import generate_projects

HAS = "(title LIKE '%' || $1 || '%' OR abstract LIKE '%' || $1 || '%')"
IPC_PREFIXES = {
    "精密传动": ("F16H", "F16C", "B25J"), "运动控制算法": ("G05B", "H02P", "B25J"),
    "新材料": ("C22C", "C21D", "H01F", "C23C", "C08L", "C08J"), "传感与检测": ("G01D", "G01L", "G01H", "G01M", "G01R"),
    "智能制造": ("B23P", "B25J", "B24B", "G05B", "G06T", "G06Q", "G06N"),
}  # fmt: skip


# -- the session demo (seed 7, scale 0.1, end 2026-10-15) -------------------------------------------


def test_industry_patents_shape(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, "SELECT count(*) FROM industry_patents") == 6000
    lo, hi = con.execute("SELECT min(application_date), max(application_date) FROM industry_patents").fetchone()
    assert lo >= date(2020, 11, 1) and hi <= END and (END - hi).days < 20 and lo < date(2021, 1, 1)
    assert scalar(con, "SELECT count(*) FROM industry_patents WHERE grant_date <= application_date") == 0
    assert scalar(con, "SELECT max(grant_date) FROM industry_patents") <= END
    assert scalar(con, "SELECT count(DISTINCT applicant) FROM industry_patents") == 13
    kinds = dict(con.execute("SELECT applicant_type, count(DISTINCT applicant) FROM industry_patents GROUP BY 1").fetchall())
    assert kinds == {"企业": 10, "高校": 2, "研究院": 1}
    countries = {r[0] for r in con.execute("SELECT DISTINCT country FROM industry_patents").fetchall()}
    assert countries == {"中国", "日本", "德国", "瑞士", "美国"}
    assert {r[0] for r in con.execute("SELECT DISTINCT tech_field FROM industry_patents").fetchall()} == set(TECH_FIELDS)
    # Titles and abstracts in the style of the patents table; ipc by field.
    assert scalar(con, "SELECT count(*) FROM industry_patents WHERE applicant <> '华精科技' AND NOT ("
                       "title LIKE '一种%' AND (abstract LIKE '本发明%' OR abstract LIKE '本实用新型%'))") == 0
    for field, ipc in con.execute("SELECT DISTINCT tech_field, ipc FROM industry_patents WHERE ipc NOT LIKE 'LOC%'"
                                  ).fetchall():
        assert ipc.startswith(IPC_PREFIXES[field]) and "/" in ipc, (field, ipc)


def test_industry_grows_about_12_percent(con: duckdb.DuckDBPyConnection) -> None:
    by_year = dict(con.execute("SELECT year(application_date), count(*) FROM industry_patents "
                               "WHERE applicant <> '华精科技' GROUP BY 1").fetchall())
    growth = (by_year[2025] / by_year[2021]) ** (1 / 4) - 1
    assert 0.07 < growth < 0.20, by_year


def test_company_rows_are_its_patents(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, "SELECT count(*) FROM industry_patents WHERE applicant = '华精科技'") == scalar(
        con, "SELECT count(*) FROM patents")
    same = scalar(con, "SELECT count(*) FROM industry_patents i JOIN patents p USING (patent_id) WHERE i.applicant = "
                       "'华精科技' AND i.title = p.title AND i.abstract = p.abstract AND i.tech_field = p.tech_field AND "
                       "i.application_date = p.application_date AND i.grant_date IS NOT DISTINCT FROM p.grant_date")
    assert same == scalar(con, "SELECT count(*) FROM patents")
    assert scalar(con, "SELECT count(*) - count(DISTINCT patent_id) FROM industry_patents") == 0


def test_background_topics_have_different_trends(con: duckdb.DuckDBPyConnection) -> None:
    total = dict(con.execute("SELECT year(application_date) >= 2025, count(*) FROM industry_patents "
                             "WHERE year(application_date) IN (2021, 2022, 2025, 2026) GROUP BY 1").fetchall())
    ratios = []
    for topic in industry_text.BASE_TOPICS:
        early, late = con.execute(
            f"SELECT count(*) FILTER (WHERE year(application_date) IN (2021, 2022)), "
            f"count(*) FILTER (WHERE year(application_date) IN (2025, 2026)) FROM industry_patents WHERE {HAS}",
            [topic.label]).fetchone()
        assert early > 10, topic.label  # every sub-field is alive
        ratios.append((late / total[True]) / (early / total[False]))
    assert max(ratios) > 1.3 and min(ratios) < 0.8 and sum(0.8 <= r <= 1.3 for r in ratios) >= 5, ratios


def test_proposals_and_capacity(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("SELECT proposal_id, headcount, strategic_fit, submitted_date, requested_budget, "
                       "expected_annual_revenue FROM rd_proposals ORDER BY proposal_id").fetchall()
    assert [r[0] for r in rows] == [f"RP2027-{i:02d}" for i in range(1, 26)]
    assert all(2 <= r[1] <= 15 and 1 <= r[2] <= 5 and END - timedelta(days=90) < r[3] <= END for r in rows)
    assert [r[3] for r in rows] == sorted(r[3] for r in rows) and all(r[4] > 0 and r[5] >= 0 for r in rows)
    year, budget, heads = con.execute("SELECT * FROM rd_capacity").fetchone()
    assert year == END.year + 1 and scalar(con, "SELECT count(*) FROM rd_capacity") == 1
    requested = sum(r[4] for r in rows)
    assert 0.55 <= budget / requested <= 0.66 and abs(heads / sum(r[1] for r in rows) - 0.6) < 0.02
    # Sized like the company's R&D: a share of the last 12 months' spend.
    spend = scalar(con, "SELECT sum(amount) FROM rd_expenses WHERE expense_month > DATE '2025-10-01'")
    assert 0.2 < budget / spend < 0.6


def test_proposals_near_the_facts_do_not_name_them(con: duckdb.DuckDBPyConnection) -> None:
    truth = demo_anomalies(con)
    names = [r[0] for r in con.execute("SELECT project_name FROM rd_proposals").fetchall()]
    for key in ("emerging_topic", "white_space"):
        term = str(truth[key]["term"])
        assert industry_text.PROPOSAL_HINTS[term] in names and not any(term in n for n in names)


def test_candidate_phrases_occur_nowhere_else() -> None:
    """The planted phrases cannot show up by accident: not in the company's wording, nor in another topic."""
    company = [s for pools in (rd_text.OBJECTS, rd_text.METHODS, rd_text.COMPONENTS, rd_text.FEATURES, rd_text.EFFECTS)
               for pool in pools for s in pool] + list(rd_text.ASPECTS) + list(rd_text.PARTS) + list(
        rd_text.APPLICATIONS)
    topics = (*industry_text.BASE_TOPICS, *industry_text.WHITE_SPACE_TOPICS, *industry_text.EMERGING_TOPICS)
    for cand in (*industry_text.WHITE_SPACE_TOPICS, *industry_text.EMERGING_TOPICS):
        assert not any(cand.label in s for s in company), cand.label
        others = [s for tp in topics if tp is not cand for s in (tp.label, *tp.objects, *tp.phrases)]
        others += [*industry_text.TITLE_SUFFIX, *industry_text.PARTS, *industry_text.FIELD_DOMAIN,
                   *industry_text.PROPOSAL_HINTS.values()]
        assert not any(cand.label in s for s in others), cand.label


def test_rows_scale_above_one() -> None:
    ctx = DemoContext(seed=5, scale=2.0, window=make_window(date(2026, 6, 30)))
    projects, _ = generate_projects(ctx)
    own = generate_patents(ctx, projects, generate_products(ctx))
    table, facts = ip.generate(ctx, own, ip.plan(ctx))
    assert table.num_rows == 12_000 and facts.emerging_factor >= 5 and facts.white_space_rows >= 400


# -- the planted facts, measured by SQL on demos built like tests/nl_fixtures.py (and another seed) ----


@pytest.fixture(scope="module", params=[3, 42])
def fact_demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[duckdb.DuckDBPyConnection]:
    path: Path = tmp_path_factory.mktemp("innovation") / f"seed{request.param}.duckdb"
    with duckdb.connect(str(path)) as c:
        build_demo(c, scale=0.02, seed=request.param, end=date(2026, 10, 31), today=date(2026, 11, 26))
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_emerging_topic_share_rises_fivefold(fact_demo: duckdb.DuckDBPyConnection) -> None:
    truth = demo_anomalies(fact_demo)["emerging_topic"]
    term = truth["term"]
    assert isinstance(term, str) and 3 <= len(term) <= 8 and truth["table_name"] == "industry_patents"
    last, earlier = fact_demo.execute(
        f"SELECT avg(CASE WHEN application_date > DATE '2026-10-31' - INTERVAL 3 MONTH THEN {HAS}::INT END), "
        f"avg(CASE WHEN application_date > DATE '2026-10-31' - INTERVAL 15 MONTH "
        f"AND application_date <= DATE '2026-10-31' - INTERVAL 12 MONTH THEN {HAS}::INT END) FROM industry_patents",
        [term]).fetchone()
    assert earlier > 0 and last / earlier >= 5 and abs(last / earlier - truth["factor"]) < 1e-3
    assert truth["month"] == date(2026, 8, 1)
    # Several applicants drive it (not the company), and it was nearly absent before.
    drivers = fact_demo.execute(f"SELECT applicant, applicant_type, count(*) FROM industry_patents WHERE {HAS} "
                                "GROUP BY ALL ORDER BY 3 DESC", [term]).fetchall()
    assert len(drivers) >= 3 and "华精科技" not in {d[0] for d in drivers}
    assert "高校" in {d[1] for d in drivers} and sum(d[2] for d in drivers[:3]) >= 0.8 * sum(d[2] for d in drivers)
    assert scalar(fact_demo, f"SELECT count(*) FROM industry_patents WHERE {HAS} AND application_date < "
                             "DATE '2024-11-01'", [term]) <= 3
    assert scalar(fact_demo, f"SELECT count(*) FROM patents WHERE {HAS}", [term]) == 0


def test_white_space_is_large_rising_and_empty_for_the_company(fact_demo: duckdb.DuckDBPyConnection) -> None:
    truth = demo_anomalies(fact_demo)
    ws = truth["white_space"]["term"]
    assert isinstance(ws, str) and ws != truth["emerging_topic"]["term"]
    fields = fact_demo.execute(f"SELECT DISTINCT tech_field FROM industry_patents WHERE {HAS} AND applicant <> "
                               f"'华精科技' UNION ALL SELECT DISTINCT tech_field FROM industry_patents WHERE "
                               f"{HAS.replace('$1', '$2')}", [ws, truth["emerging_topic"]["term"]]).fetchall()
    assert len(fields) == 2 and fields[0] != fields[1]  # each in one field, not the same one
    total, own, own_patents = fact_demo.execute(
        f"SELECT count(*), count(*) FILTER (WHERE applicant = '华精科技'), "
        f"(SELECT count(*) FROM patents WHERE {HAS}) FROM industry_patents WHERE {HAS}", [ws]).fetchone()
    assert total >= 200 and own == 0 and own_patents == 0
    recent, before = fact_demo.execute(
        f"SELECT count(*) FILTER (WHERE application_date > DATE '2026-10-31' - INTERVAL 24 MONTH), "
        f"count(*) FILTER (WHERE application_date <= DATE '2026-10-31' - INTERVAL 24 MONTH AND "
        f"application_date > DATE '2026-10-31' - INTERVAL 48 MONTH) FROM industry_patents WHERE {HAS}",
        [ws]).fetchone()
    assert recent / before >= 1.4 and abs(recent / before - truth["white_space"]["factor"]) < 1e-3
    by_year = [r[0] for r in fact_demo.execute(
        f"SELECT count(*) FROM industry_patents WHERE {HAS} AND year(application_date) BETWEEN 2021 AND 2025 "
        "GROUP BY year(application_date) ORDER BY year(application_date)", [ws]).fetchall()]
    assert by_year == sorted(by_year) and by_year[-1] >= 1.5 * by_year[0]
    # Not the fivefold kind: its share a year later is well under 5x.
    share = fact_demo.execute(
        f"SELECT avg(CASE WHEN application_date > DATE '2026-10-31' - INTERVAL 3 MONTH THEN {HAS}::INT END) / "
        f"avg(CASE WHEN application_date > DATE '2026-10-31' - INTERVAL 15 MONTH "
        f"AND application_date <= DATE '2026-10-31' - INTERVAL 12 MONTH THEN {HAS}::INT END) FROM industry_patents",
        [ws]).fetchone()[0]
    assert 1.0 < share < 2.0
