"""demo_ground_truth: where the injected anomalies and facts are, stored next to the demo tables.

Invariants: the table has exactly four rows, 'quality_incident' and 'sales_drop' (the older
anomalies, `term` null) and 'emerging_topic' and 'white_space' (industry_patents, with the phrase
in `term`), written in the same transaction as the demo tables, so it always describes the data
it sits next to. Its values are computed from the generated arrays (not by querying DuckDB), so
the table is as reproducible as the rest. demo_anomalies() reads it back as plain Python values.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from shuzhi.demo.anomalies import INCIDENT_PLANT, SalesDrop
from shuzhi.demo.calendar import Window
from shuzhi.demo.contract import DEFECT_MATERIAL, DEFECT_TYPES, GROUND_TRUTH_COLUMNS, GROUND_TRUTH_TABLE
from shuzhi.demo.geo import PROVINCES
from shuzhi.demo.industry_patents import IndustryFacts, InnovationPlan, months_before
from shuzhi.demo.purchasing import Suppliers
from shuzhi.demo.quality import IncidentFacts
from shuzhi.demo.sales import SalesSummary
from shuzhi.errors import ShuzhiError


def sales_drop_factor(w: Window, drop: SalesDrop, sales: SalesSummary) -> float:
    """Revenue of the drop month / median revenue of the province's other whole months that year."""
    rev = sales.province_revenue[drop.province]
    whole = np.arange(w.n_months) if w.month_ends.size == w.n_months else np.arange(w.n_months - 1)
    same_year = whole[(w.years[whole] == w.years[drop.month]) & (whole != drop.month)]
    usual = float(np.median(rev[same_year])) if same_year.size else float(np.median(rev))
    return float(rev[drop.month] / usual) if usual > 0 else 0.0


def table(
    w: Window, drop: SalesDrop, facts: IncidentFacts, suppliers: Suppliers, sales: SalesSummary,
    plan: InnovationPlan, found: IndustryFacts,
) -> pa.Table:
    q_month = w.months[facts.month].astype("datetime64[D]").astype(object)
    s_month = w.months[drop.month].astype("datetime64[D]").astype(object)
    q_factor = facts.incident_rate / facts.usual_rate if facts.usual_rate > 0 else 0.0
    s_factor = sales_drop_factor(w, drop, sales)
    supplier = str(suppliers.name[int(np.flatnonzero(suppliers.supplier_id == facts.supplier_id)[0])])
    province, region = PROVINCES[drop.province][0], PROVINCES[drop.province][1]
    q_zh = (
        f"{q_month.year}年{q_month.month}月{INCIDENT_PLANT}不良率升至平时的{q_factor:.1f}倍"
        f"（{facts.incident_rate:.2%}，平时约{facts.usual_rate:.2%}），超出部分来自供应商{supplier}"
        f"（supplier_id {facts.supplier_id}）批次 {facts.batch_no} 的材料缺陷。"
    )
    q_en = (
        f"In {q_month:%Y-%m} the defect rate of {INCIDENT_PLANT} rose to {q_factor:.1f}x its usual level "
        f"({facts.incident_rate:.2%} vs about {facts.usual_rate:.2%}); the excess is 材料缺陷 (material defects) "
        f"in batch {facts.batch_no} from supplier {facts.supplier_id} ({supplier})."
    )
    s_zh = f"{s_month.year}年{s_month.month}月{province}销售额骤降，仅为当年其他月份中位数的{s_factor:.0%}。"
    s_en = (
        f"In {s_month:%Y-%m} revenue in {province} ({region}) fell to {s_factor:.0%} of the median of the "
        f"province's other whole months that year."
    )
    rows: list[dict[str, Any]] = [
        {
            "anomaly": "quality_incident",
            "table_name": "quality_inspections",
            "metric": "defect_rate",
            "month": q_month,
            "region": None,
            "province": None,
            "plant": INCIDENT_PLANT,
            "supplier_id": facts.supplier_id,
            "batch_no": facts.batch_no,
            "defect_type": DEFECT_TYPES[DEFECT_MATERIAL],
            "factor": round(q_factor, 4),
            "description_zh": q_zh,
            "description_en": q_en,
            "term": None,
        },
        {
            "anomaly": "sales_drop",
            "table_name": "sales_orders",
            "metric": "revenue",
            "month": s_month,
            "region": region,
            "province": province,
            "plant": None,
            "supplier_id": None,
            "batch_no": None,
            "defect_type": None,
            "factor": round(s_factor, 4),
            "description_zh": s_zh,
            "description_en": s_en,
            "term": None,
        },
        *innovation_rows(w, plan, found),
    ]
    schema = pa.schema(
        [
            (
                name,
                {"VARCHAR": pa.string(), "DATE": pa.date32(), "INTEGER": pa.int32(), "DOUBLE": pa.float64()}[
                    typ
                ],
            )
            for name, typ, _ in GROUND_TRUTH_COLUMNS
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def innovation_rows(w: Window, plan: InnovationPlan, found: IndustryFacts) -> list[dict[str, Any]]:
    """The emerging_topic and white_space rows (month: first day of the month the last quarter starts in)."""
    start = (months_before(w.end_day, 3) + 1).astype("datetime64[M]").astype("datetime64[D]").astype(object)
    em, ws = plan.emerging_term, plan.white_space_term
    blank = {k: None for k in ("region", "province", "plant", "supplier_id", "batch_no", "defect_type")}
    e_zh = (
        f"新兴技术「{em}」：截至{w.end}的最近一个季度，标题或摘要含该词的专利申请占全行业申请的"
        f"{found.emerging_last_share:.1%}，是一年前同一季度占比的{found.emerging_factor:.1f}倍，"
        f"主要由竞争对手和高校推动（共{found.emerging_rows}件）。"
    )
    e_en = (
        f"Emerging term 「{em}」: in the last quarter up to {w.end} it appears in the title or abstract of "
        f"{found.emerging_last_share:.1%} of the industry's applications, {found.emerging_factor:.1f}x its share in "
        f"the same quarter a year earlier; driven mainly by competitors and universities ({found.emerging_rows} "
        "applications)."
    )
    w_zh = (
        f"技术空白「{ws}」：行业共有{found.white_space_rows}件专利申请含该词，最近24个月的申请数是此前24个月的"
        f"{found.white_space_factor:.1f}倍，而华精科技没有任何一件专利含该词。"
    )
    w_en = (
        f"White space 「{ws}」: {found.white_space_rows} industry applications contain it, and the last 24 months "
        f"have {found.white_space_factor:.1f}x the applications of the 24 months before, while 华精科技 has no "
        "patent containing it."
    )
    return [
        {"anomaly": "emerging_topic", "table_name": "industry_patents", "metric": "patent_share", "month": start,
         **blank, "factor": round(found.emerging_factor, 4), "description_zh": e_zh, "description_en": e_en,
         "term": em},
        {"anomaly": "white_space", "table_name": "industry_patents", "metric": "patent_count", "month": start,
         **blank, "factor": round(found.white_space_factor, 4), "description_zh": w_zh, "description_en": w_en,
         "term": ws},
    ]


def demo_anomalies(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Ground truth of the injected anomalies of the demo in `con`.

    Returns {"emerging_topic": {...}, "quality_incident": {...}, "sales_drop": {...}, "white_space": {...}};
    each value maps the columns of demo_ground_truth (month is a datetime.date, the first day of the
    month) to their values. quality_incident has plant, supplier_id, batch_no, defect_type; sales_drop
    has region and province; emerging_topic and white_space have term. factor is the measured size
    (defect-rate multiple / share of usual revenue / rise of the term's share / rise of its rows).
    """
    try:
        cur = con.execute(f"SELECT * FROM {GROUND_TRUTH_TABLE} ORDER BY anomaly")  # noqa: S608
    except duckdb.CatalogException:
        raise ShuzhiError(
            "demo_not_built",
            "仓库中没有示例数据，请先运行 shuzhi demo 生成示例公司数据。",
            "The warehouse has no demo data; run `shuzhi demo` to build the demo company first.",
            404,
        ) from None
    names = [d[0] for d in cur.description]
    out: dict[str, dict[str, Any]] = {}
    for row in cur.fetchall():
        rec = dict(zip(names, row, strict=True))
        out[rec.pop("anomaly")] = rec
    return out
