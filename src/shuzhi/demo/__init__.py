"""The demo company 华精科技 (docs/DEMO_SCHEMA.md): a deterministic, realistic data estate.

    from shuzhi.demo import build_demo, demo_anomalies, DEMO_TABLES
    report = build_demo(con, scale=1.0, seed=42, end=date(2026, 11, 25), today=settings.today_date())

See README.md in this folder for the modules, the injected anomalies and determinism.
"""

from shuzhi.demo.build import DemoReport, build_demo
from shuzhi.demo.contract import DEMO_TABLES, GROUND_TRUTH_TABLE
from shuzhi.demo.ground_truth import demo_anomalies

__all__ = ["DEMO_TABLES", "GROUND_TRUTH_TABLE", "DemoReport", "build_demo", "demo_anomalies"]
