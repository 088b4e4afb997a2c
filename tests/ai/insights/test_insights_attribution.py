"""Attribution: contributions add up, mix + rate = ratio change, the demo drop points to its province."""

from __future__ import annotations

import pytest
from insights_env import make_source

from shuzhi.ai.insights.attribution import explain, parse_period, previous_period
from shuzhi.errors import ShuzhiError


def test_parse_period() -> None:
    assert parse_period("2025-06")[2] == "month"
    assert str(parse_period("2025-Q2")[1]) == "2025-06-30"
    assert str(parse_period("2025")[0]) == "2025-01-01"
    assert parse_period("2025-06-15")[2] == "day"
    assert previous_period("2025-01") == "2024-12"
    assert previous_period("2025-Q1") == "2024-Q4"
    with pytest.raises(ShuzhiError):
        parse_period("June")


def test_additive_contributions_sum_to_change(tmp_path_factory: pytest.TempPathFactory) -> None:
    src, _ = make_source(tmp_path_factory.getbasetemp())
    out = explain(src, "revenue", "2025-12", by=["products.product_line", "customers.region"], top=100)
    for d in out["dimensions"]:
        total = sum(m["contribution"] for m in d["top"]) + d["unassigned"]
        assert total == pytest.approx(out["change"], rel=1e-9, abs=1e-6)
        assert abs(d["unassigned"]) < 1e-6 * max(1.0, abs(out["to"]["value"]))


def test_ratio_mix_plus_rate_equals_change(tmp_path_factory: pytest.TempPathFactory) -> None:
    src, truth = make_source(tmp_path_factory.getbasetemp())
    month = truth["quality_incident"]["month"]
    out = explain(src, "defect_rate", f"{month:%Y-%m}",
                  by=["production_orders.plant", "quality_inspections.defect_type", "suppliers.supplier_id",
                      "quality_inspections.batch_no"],
                  top=100)
    assert out["kind"] == "ratio"
    for d in out["dimensions"]:
        assert d["mix_total"] + d["rate_total"] == pytest.approx(out["change"], abs=1e-9)
        assert sum(m["mix_effect"] + m["rate_effect"] for m in d["top"]) == pytest.approx(out["change"], abs=1e-9)
    by_dim = {d["dimension"]: d for d in out["dimensions"]}
    assert by_dim["production_orders.plant"]["lifts"][0] == "常州工厂"
    assert by_dim["quality_inspections.defect_type"]["lifts"][0] == "材料缺陷"
    assert by_dim["suppliers.supplier_id"]["lifts"][0] == str(truth["quality_incident"]["supplier_id"])
    assert by_dim["quality_inspections.batch_no"]["lifts"][0] == truth["quality_incident"]["batch_no"]


def test_demo_sales_drop_explained_by_province(tmp_path_factory: pytest.TempPathFactory) -> None:
    src, truth = make_source(tmp_path_factory.getbasetemp())
    sd = truth["sales_drop"]
    to = f"{sd['month']:%Y-%m}"
    out = explain(src, "revenue", to)
    ranking = [(d["dimension"], d["score"]) for d in out["dimensions"][:4]]
    print("best dimensions:", ranking)
    print(out["summary_zh"])
    assert out["best_dimension"] == "customers.province"
    province = out["dimensions"][0]
    assert province["drags"][0] == sd["province"]


def test_demo_defect_spike_summary_names_supplier_and_plant(tmp_path_factory: pytest.TempPathFactory) -> None:
    """All candidate dimensions: a supplier (the batch's) explains best; the plant, a two-member dimension
    that cannot be scored, is still named in the summary with its share; a member that merely follows the
    total (the home country of nearly every supplier) is no explanation."""
    src, truth = make_source(tmp_path_factory.getbasetemp())
    out = explain(src, "defect_rate", f"{truth['quality_incident']['month']:%Y-%m}")
    by_dim = {d["dimension"]: d for d in out["dimensions"]}
    print([(d["dimension"], d["score"]) for d in out["dimensions"]], out["summary_zh"])
    assert out["best_dimension"] in ("suppliers.supplier_name", "suppliers.supplier_id", "quality_inspections.defect_type",
                                     "quality_inspections.batch_no")
    plant = by_dim["production_orders.plant"]
    assert plant["members"] == 2 and plant["top"][0]["member"] == "常州工厂"
    assert plant["top"][0]["share_of_change"] > 0.75
    assert "常州工厂" in out["summary_zh"] and "个百分点" in out["summary_zh"]
    assert "常州工厂" in out["summary_en"] and "pp)" in out["summary_en"]
    country = by_dim["suppliers.country"]
    assert country["score"] < by_dim[out["best_dimension"]]["score"] / 3
    for d in out["dimensions"]:
        if d["members"] == len(d["top"]):  # every member listed: surprises cancel out
            assert sum(m["surprise"] for m in d["top"]) == pytest.approx(0, abs=1e-9), d["dimension"]
