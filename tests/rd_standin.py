"""Stand-in innovation tables for tests until the demo builds them (issue 17, helper data)."""

from __future__ import annotations

import datetime as dt

import duckdb


def add_standin_tables(path) -> None:  # type: ignore[no-untyped-def]
    """Until the demo builds rd_proposals, rd_capacity and industry_patents (docs/DEMO_SCHEMA.md,
    Extensions), small tables of that schema; a no-op for a demo that has them."""
    import random

    con = duckdb.connect(str(path))
    have = {r[0] for r in con.sql("SELECT table_name FROM information_schema.tables").fetchall()}
    rng = random.Random(11)
    fields = ["精密传动", "运动控制算法", "新材料", "传感与检测", "智能制造"]
    layers = ["基础研究", "应用开发", "工程转化"]
    if "rd_proposals" not in have:
        con.sql("CREATE TABLE rd_proposals (proposal_id VARCHAR, project_name VARCHAR, tech_field VARCHAR, "
                "rd_layer VARCHAR, requested_budget DOUBLE, headcount INTEGER, expected_annual_revenue DOUBLE, "
                "strategic_fit INTEGER, risk VARCHAR, submitted_date DATE)")
        for i in range(25):
            b = rng.randint(50, 800) * 10_000.0
            con.execute("INSERT INTO rd_proposals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [f"RP2027-{i + 1:03d}", f"提案项目{i + 1}", rng.choice(fields), rng.choice(layers), b,
                         rng.randint(2, 12), b * rng.uniform(0.5, 4), rng.randint(1, 5), rng.choice("低中高"),
                         dt.date(2026, 9, 1) + dt.timedelta(days=i)])
    if "rd_capacity" not in have:
        con.sql("CREATE TABLE rd_capacity AS SELECT 2027 AS plan_year, 60000000.0 AS budget, 80 AS headcount")
    if "industry_patents" not in have:
        con.sql("CREATE TABLE industry_patents (patent_id VARCHAR, applicant VARCHAR, applicant_type VARCHAR, "
                "country VARCHAR, title VARCHAR, abstract VARCHAR, tech_field VARCHAR, ipc VARCHAR, "
                "application_date DATE, grant_date DATE)")
        rows = []
        for i in range(6000):
            f = rng.choice(fields)
            day = dt.date(2020, 11, 1) + dt.timedelta(days=rng.randint(0, 2190) if f != "新材料" else
                                                       int(2190 * rng.random() ** 0.5))
            app = "华精科技" if rng.random() < (0.02 if f == "传感与检测" else 0.1) else f"公司{rng.randint(1, 12)}"
            rows.append((f"IP{i:05d}", app, "企业", "中国", "t", "a", f, "F16H", day, None))
        con.executemany("INSERT INTO industry_patents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.close()
