"""The self-assessment on the small demo warehouse (scale 0.02, seed 3, end 2026-10-31, tests/nl_fixtures.py):
every value computed from data equals hand-written SQL on the warehouse, for two assessment years and a
main business narrower than all product lines; thresholds by revenue band (a rules file with other bands);
stored answers round trip; bad inputs are clear errors; a user with a row rule assesses their region."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from shuzhi.ai.innovation.assess_rules import RULES_FILE
from shuzhi.errors import ShuzhiError
from shuzhi.spec.resolve import UserContext

SYSTEM = UserContext.system()
TECH = ("精密传动", "运动控制算法", "传感与检测")


@pytest.fixture(scope="module")
def rt(nl_env: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.runtime import Runtime
    from shuzhi.service.wiring import wire
    from shuzhi.settings import Settings

    home = tmp_path_factory.mktemp("assess_home")
    settings = Settings(home=home, today=nl_env["today"], duckdb_threads=2, duckdb_memory_limit="2GB")
    settings.ensure_home()
    shutil.copy(nl_env["path"], settings.warehouse_path)
    runtime = Runtime(settings)
    runtime.start(create_admin=False)
    wire(runtime)
    with runtime.catalog.session() as s:
        install_demo_model(s)
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def sql(nl_env: dict[str, Any]) -> Iterator[Any]:
    con = duckdb.connect(str(nl_env["path"]), read_only=True)

    def one(q: str, *params: Any) -> float:
        return con.execute(q, list(params)).fetchone()[0]

    one.con = con  # type: ignore[attr-defined]
    yield one
    con.close()


@pytest.fixture(scope="module")
def sql_rows(sql: Any) -> Any:
    return lambda q: sql.con.execute(q).fetchall()


def _revenue(sql: Any, year: int, lines: list[str] | None = None) -> float:
    q = ("SELECT SUM(s.amount) FROM sales_orders s JOIN products p USING (product_id) "
         "WHERE s.status <> '已取消' AND year(s.order_date) = ?")
    if lines is None:
        return sql(q, year)
    return sql(q + " AND list_contains(?, p.product_line)", year, lines)


def _ip1(sql: Any, year: int, lines: list[str], commercialized: bool) -> float:
    return sql("SELECT COUNT(*) FROM patents t LEFT JOIN rd_projects r USING (project_id) "
               "WHERE t.patent_type = '发明' AND t.legal_status = '已授权' AND t.grant_date <= make_date(?, 12, 31) "
               "AND (list_contains(?, t.tech_field) OR list_contains(?, r.product_line)) "
               "AND (t.commercialized OR NOT ?)", year, list(TECH), lines, commercialized)


def _by_id(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in out["criteria"]}


@pytest.mark.parametrize("year", [2026, 2025])
@pytest.mark.parametrize("lines", [None, ["伺服电机", "精密减速机"]])
def test_values_equal_sql(rt: Any, sql: Any, sql_rows: Any, year: int, lines: list[str] | None) -> None:
    from shuzhi.service.assess import assess, save_answers

    save_answers(rt, SYSTEM, {"main_business": lines})
    try:
        out = assess(rt, SYSTEM, year=year)
    finally:
        save_answers(rt, SYSTEM, {"main_business": None})
    members = lines or [r[0] for r in sql_rows("SELECT DISTINCT product_line FROM products")]
    assert sorted(out["main_business"]) == sorted(members)
    assert out["year"] == year and out["main_business_from"] == ("answer" if lines else "all")
    c = _by_id(out)
    y1, y2, y3 = year - 1, year - 2, year - 3
    rev1, rev2 = _revenue(sql, y1), _revenue(sql, y2)
    rd1 = sql("SELECT SUM(amount) FROM rd_expenses WHERE year(expense_month) = ?", y1)
    rd2 = sql("SELECT SUM(amount) FROM rd_expenses WHERE year(expense_month) = ?", y2)
    main1, main2 = _revenue(sql, y1, members), _revenue(sql, y2, members)
    main3 = _revenue(sql, y3, members)

    assert c["p_sme"]["value"] == pytest.approx(rev1) and c["p_revenue"]["value"] == pytest.approx(rev1)
    assert c["p_rd_amount"]["value"] == pytest.approx(rd1)
    assert c["p_rd_share"]["value"] == pytest.approx(rd1 / rev1)
    assert c["n_rd_share_y1"]["value"] == pytest.approx(rd1 / rev1)
    assert c["n_rd_share_y2"]["value"] == pytest.approx(rd2 / rev2)
    assert c["n_small_rd_total"]["value"] == pytest.approx(rd1 + rd2)
    assert c["n_main_share"]["value"] == pytest.approx(main1 / rev1)
    if main3 is None:  # the demo's sales start in 2023: no growth over 2022→2023
        assert c["n_main_growth"]["value"] is None and c["n_main_growth"]["no_data"] == ["main_revenue_y3"]
    else:
        assert c["n_main_growth"]["value"] == pytest.approx(((main1 / main2 - 1) + (main2 / main3 - 1)) / 2)
    assert c["n_ip1"]["value"] == _ip1(sql, y1, members, True)
    facts = {f["name"]: f["value"] for f in out["facts"]}
    assert facts["ip1_patents"] == _ip1(sql, y1, members, False)
    assert facts["revenue_y1"] == pytest.approx(rev1) and facts["main_revenue_y2"] == pytest.approx(main2)
    assert facts["rd_intensity_y1"] == pytest.approx(rd1 / rev1) and facts["rd_intensity_y2"] == pytest.approx(rd2 / rev2)
    # the thresholds and verdicts that follow from these numbers
    assert c["p_rd_share"]["threshold"] == 0.03 and c["p_rd_share"]["met"] is (rd1 / rev1 >= 0.03)
    assert c["p_rd_amount"]["met"] is (rd1 >= 1e6)
    if rd1 < 1e6:
        assert c["p_rd_amount"]["gap"] == pytest.approx(round(1e6 - rd1, 2))
    if lines:  # two of five lines: short of 70 %, the gap is money
        assert c["n_main_share"]["met"] is False
        assert c["n_main_share"]["gap"] == pytest.approx(round(0.7 * rev1 - main1, 2), abs=0.01)
        assert c["n_main_share"]["gap_text"].startswith("主营业务收入差 ")


def test_demo_revenue_band_routes_to_the_small_company_rules(rt: Any, sql: Any) -> None:
    from shuzhi.service.assess import assess

    c = _by_id(assess(rt, SYSTEM))  # default year: SHUZHI_TODAY 2026-11-26 → 2026
    assert _revenue(sql, 2025) < 5e7
    assert c["n_rd_share_y1"]["applicable"] is False and c["n_rd_share_y1"]["threshold"] is None
    assert c["n_small_rd_total"]["applicable"] is True and c["n_small_rd_total"]["threshold"] == 3e7
    rd = c["n_small_rd_total"]["value"]
    assert c["n_small_rd_total"]["gap"] == pytest.approx(round(3e7 - rd, 2))


def test_thresholds_by_band_from_a_rules_file(rt: Any, sql: Any, tmp_path: Path) -> None:
    """A rules file whose bands fit the demo's size: 2026 reads 2025's revenue (≥ 2500万 → 5 %), 2025 reads
    2024's (1000万–2500万 → 6 %); each year's R&D share is judged by that band, the gap in money."""
    from shuzhi.service.assess import assess

    text = RULES_FILE.read_text(encoding="utf-8").replace(
        "bands: [{min: 1.0e8, value: 0.03}, {min: 5.0e7, max: 1.0e8, value: 0.06}]",
        "bands: [{min: 2.5e7, value: 0.05}, {min: 1.0e7, max: 2.5e7, value: 0.06}]")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    rt.settings.assess_rules = path
    try:
        for year, band in ((2026, 0.05), (2025, 0.06)):
            c = _by_id(assess(rt, SYSTEM, year=year))
            rev1, rev2 = _revenue(sql, year - 1), _revenue(sql, year - 2)
            rd1 = sql("SELECT SUM(amount) FROM rd_expenses WHERE year(expense_month) = ?", year - 1)
            rd2 = sql("SELECT SUM(amount) FROM rd_expenses WHERE year(expense_month) = ?", year - 2)
            assert (rev1 >= 2.5e7) is (band == 0.05)
            for cid, rd, rev in (("n_rd_share_y1", rd1, rev1), ("n_rd_share_y2", rd2, rev2)):
                row = c[cid]
                assert row["threshold"] == band and row["applicable"] is True
                short = rd / rev < band
                assert row["met"] is (None if short else True)  # short: 创新直通 unanswered
                assert row["gap"] == (pytest.approx(round(band * rev - rd, 2)) if short else None)
    finally:
        rt.settings.assess_rules = None


def test_answers_round_trip(rt: Any) -> None:
    from shuzhi.service.assess import assess, questions, save_answers

    try:
        out = save_answers(rt, UserContext("admin", "admin"), {"years_in_niche": "2.5", "rd_institution": "是",
                                                                "market_share": "12%", "employees": 320})
        assert out["answers"] == {"years_in_niche": 2.5, "rd_institution": True, "market_share": 0.12, "employees": 320}
        q = {x["key"]: x for x in questions(rt)["questions"]}
        assert q["employees"]["value"] == 320 and q["employees"]["updated_by"] == "admin"
        assert q["debt_ratio"]["value"] is None and q["debt_ratio"]["updated_at"] is None
        c = _by_id(assess(rt, SYSTEM, year=2026))
        assert c["p_niche"]["value"] == 2.5 and c["p_niche"]["met"] is True
        assert c["n_niche"]["met"] is False and c["n_niche"]["gap"] == pytest.approx(0.5)
        assert c["n_rd_institution"]["value"] == 1 and c["n_rd_institution"]["met"] is True
        assert c["n_market_share"]["value"] == pytest.approx(0.12) and c["n_market_share"]["met"] is True
        assert c["n_debt_ratio"]["value"] is None and c["n_debt_ratio"]["met"] is None
        assert c["n_debt_ratio"]["needs"] == ["debt_ratio"]
        # one bad answer: none of them is stored
        with pytest.raises(ShuzhiError) as e:
            save_answers(rt, SYSTEM, {"debt_ratio": 0.4, "employees": "many"})
        assert e.value.code == "bad_assess_answer" and e.value.status == 422
        assert questions(rt)["answers"].get("debt_ratio") is None
        save_answers(rt, SYSTEM, {"years_in_niche": None})
        assert "years_in_niche" not in questions(rt)["answers"]
        assert _by_id(assess(rt, SYSTEM))["p_niche"]["met"] is None
    finally:
        save_answers(rt, SYSTEM, {k: None for k in ("years_in_niche", "rd_institution", "market_share", "employees")})
    assert questions(rt)["answers"] == {}


@pytest.mark.parametrize(("year", "code"), [(1999, "assess_year_out_of_range"), (2028, "assess_year_out_of_range"),
                                            ("20x6", "bad_assess_year")])
def test_bad_years(rt: Any, year: Any, code: str) -> None:
    from shuzhi.service.assess import assess

    with pytest.raises(ShuzhiError) as e:
        assess(rt, SYSTEM, year=year)
    assert e.value.code == code and e.value.status == 422 and e.value.zh and e.value.en


def test_bad_answers(rt: Any) -> None:
    from shuzhi.service.assess import save_answers

    for values, code in [({"no_such": 1}, "unknown_assess_item"), ({}, "no_assess_answers"),
                         ({"rd_staff_share": 2}, "assess_answer_out_of_range"), ({"own_brand": 3}, "bad_assess_answer")]:
        with pytest.raises(ShuzhiError) as e:
            save_answers(rt, SYSTEM, values)
        assert e.value.code == code, values


def test_a_region_viewer_assesses_their_region(rt: Any, sql: Any) -> None:
    from shuzhi.service.assess import assess

    viewer = UserContext("east", "viewer", {"region": "华东"})
    c = _by_id(assess(rt, viewer, year=2026))
    east = sql("SELECT SUM(s.amount) FROM sales_orders s JOIN customers c USING (customer_id) "
               "WHERE s.status <> '已取消' AND year(s.order_date) = 2025 AND c.region = '华东'")
    assert c["p_revenue"]["value"] == pytest.approx(east) and east < _revenue(sql, 2025)
