"""Helpers of the hot-spot tests: the injected facts (read by tests only) and the plan's match rule."""

from __future__ import annotations

import duckdb


def ground_truth(path, anomaly: str) -> str:  # type: ignore[no-untyped-def]
    """The injected term (tests only: the analysis never reads demo_ground_truth)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute("SELECT term FROM demo_ground_truth WHERE anomaly = ?", [anomaly]).fetchone()
    finally:
        con.close()
    assert row is not None and row[0], f"the demo has no {anomaly} row"
    return str(row[0])


def matches(term: str, item: dict, label_key: str) -> bool:  # type: ignore[type-arg]
    """The plan's rule: the term equals the label, is contained in it, or is one of its first three terms."""
    return term == item[label_key] or term in item[label_key] or term in item["terms"][:3]
