"""Row and column rules ride on the compiler: no spec can see past them. And no text from a spec
reaches SQL except as an escaped literal or a checked name."""

from __future__ import annotations

import math

import pytest
from semantic_env import TODAY

from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import ColumnRuleDef, RowRuleDef
from shuzhi.service import plan_query, run_query
from shuzhi.spec.resolve import UserContext

ADMIN = UserContext.system()
EAST = UserContext("li", "viewer", {"region": "华东"})


@pytest.fixture(scope="module")
def secured(demo_index) -> ModelIndex:  # type: ignore[no-untyped-def]
    model = demo_index.model.model_copy(deep=True)
    model.row_rules = [RowRuleDef(name="own_region", dataset="customers", filter="region = {{ user.region }}")]
    model.column_rules = [ColumnRuleDef(name="no_cost_for_viewers", fields=["cogs", "customers.customer_name"],
                                        deny_roles=["viewer"])]
    return ModelIndex.build(model)


def rows(duck, idx, spec, user=EAST):  # type: ignore[no-untyped-def]
    return run_query(spec, idx, user, TODAY, duck).table.to_pylist()


REGIONAL_SPECS = [
    {"metrics": ["revenue"], "dimensions": ["customers.region"]},
    {"metrics": ["revenue"], "dimensions": ["customers.province"]},
    {"metrics": ["revenue", {"name": "s", "compute": {"percent_of_total": "revenue"}}],
     "dimensions": ["products.product_line"]},
    {"metrics": ["revenue", {"name": "y", "compute": {"yoy": "revenue"}}],
     "dimensions": [{"field": "time", "grain": "year"}]},
    {"metrics": ["revenue", "order_count", "customer_count"]},
    {"dimensions": ["customers.region"]},
    {"metrics": ["revenue"], "dimensions": ["customers.region"],
     "where": [{"field": "customers.region", "op": "=", "value": "华南"}]},
    {"metrics": ["revenue"], "where": [{"or": [{"field": "customers.region", "op": "!=", "value": "华东"},
                                                {"field": "customers.region", "op": "is_null"}]}]},
    {"metrics": ["pipeline_amount", "win_rate"], "dimensions": ["customers.region"]},
]


@pytest.mark.parametrize("spec", REGIONAL_SPECS)
def test_a_restricted_user_sees_only_their_region(duck, secured, spec) -> None:  # type: ignore[no-untyped-def]
    sql = plan_query(spec, secured, EAST, TODAY).sql
    assert "'华东'" in sql
    result = rows(duck, secured, spec)
    for r in result:
        if "customers.region" in r:
            assert r["customers.region"] == "华东"


def test_totals_equal_the_regions_own_numbers(duck, secured, demo_index) -> None:  # type: ignore[no-untyped-def]
    east_total = rows(duck, secured, {"metrics": ["revenue"]})[0]["revenue"]
    by_region = {r["customers.region"]: r["revenue"] for r in rows(duck, demo_index, {
        "metrics": ["revenue"], "dimensions": ["customers.region"]}, ADMIN)}
    assert math.isclose(east_total, by_region["华东"], rel_tol=1e-9)
    shares = rows(duck, secured, {"metrics": [{"name": "s", "compute": {"percent_of_total": "revenue"}}],
                                  "dimensions": ["customers.region"]})
    assert shares == [{"customers.region": "华东", "s": 1.0}]  # the total is the visible total
    others = rows(duck, secured, {"metrics": ["revenue"], "where": [
        {"field": "customers.region", "op": "=", "value": "华南"}]})
    assert others[0]["revenue"] is None


def test_rules_do_not_touch_facts_that_cannot_reach_them(duck, secured) -> None:  # type: ignore[no-untyped-def]
    admin = rows(duck, secured, {"metrics": ["good_qty"]}, ADMIN)
    assert rows(duck, secured, {"metrics": ["good_qty"]}) == admin


def test_admins_are_exempt_and_missing_attributes_see_nothing(duck, secured) -> None:  # type: ignore[no-untyped-def]
    all_regions = rows(duck, secured, {"metrics": ["revenue"], "dimensions": ["customers.region"]}, ADMIN)
    assert len(all_regions) == 8
    nobody = UserContext("wang", "viewer", {})
    assert rows(duck, secured, {"metrics": ["revenue"], "dimensions": ["customers.region"]}, nobody) == []
    two = UserContext("zhao", "editor", {"region": ["华东", "华南"]})
    got = {r["customers.region"] for r in rows(duck, secured, {"metrics": ["revenue"],
                                                                "dimensions": ["customers.region"]}, two)}
    assert got == {"华东", "华南"}


def test_skip_rules_leave_users_without_the_attribute_alone(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    """missing_attribute: skip (the demo model's own_region): no attribute → every region; an empty
    value still sees nothing; the attribute → that region."""
    assert [r.missing_attribute for r in demo_index.model.row_rules] == ["skip"]
    spec = {"metrics": ["revenue"], "dimensions": ["customers.region"]}
    plain = UserContext("wang", "viewer", {})
    assert plan_query(spec, demo_index, plain, TODAY).sql == plan_query(spec, demo_index, ADMIN, TODAY).sql
    assert len(rows(duck, demo_index, spec, plain)) == 8
    assert rows(duck, demo_index, spec, UserContext("kong", "viewer", {"region": ""})) == []
    assert rows(duck, demo_index, spec, UserContext("kong", "viewer", {"region": []})) == []
    assert [r["customers.region"] for r in rows(duck, demo_index, spec, EAST)] == ["华东"]


def test_raw_table_scope_matches_the_query_rules(duck, secured) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.compile.row_scope import scope_signature, scope_table

    cols = ["order_id", "customer_id", "amount", "cost"]
    sel, allowed = scope_table([secured], "sales_orders", EAST, cols)
    assert sel is not None and "cost" not in allowed and "'华东'" in sel.sql("duckdb")
    assert scope_table([secured], "sales_orders", ADMIN, cols) == (None, cols)
    editor = UserContext("e", "editor", {"region": "华东"})
    sel, allowed = scope_table([secured], "customers", editor, ["customer_id", "customer_name", "region"])
    assert allowed == ["customer_id", "customer_name", "region"] and "'华东'" in sel.sql("duckdb")
    # Users who see the same rows and columns share a signature; another region or role does not.
    assert scope_signature(secured, EAST) == scope_signature(secured, UserContext("x", "viewer", {"region": "华东"}))
    assert scope_signature(secured, EAST) != scope_signature(secured, UserContext("x", "viewer", {"region": "华南"}))
    assert scope_signature(secured, EAST) != scope_signature(secured, editor)


def test_attribute_values_are_literals(duck, secured) -> None:  # type: ignore[no-untyped-def]
    evil = UserContext("x", "viewer", {"region": "华东' OR '1'='1"})
    assert rows(duck, secured, {"metrics": ["revenue"], "dimensions": ["customers.region"]}, evil) == []


@pytest.mark.parametrize("spec", [
    {"metrics": ["cogs"]},
    {"metrics": ["gross_margin"]},  # depends on cogs
    {"metrics": [{"name": "x", "compute": {"yoy": "gross_profit"}}], "dimensions": [{"field": "time", "grain": "year"}]},
    {"metrics": ["revenue"], "dimensions": ["customers.customer_name"]},
    {"metrics": ["revenue"], "where": [{"field": "customers.customer_name", "op": "contains", "value": "苏州"}]},
])
def test_column_rules_refuse_with_403(duck, secured, spec) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ShuzhiError) as e:
        run_query(spec, secured, EAST, TODAY, duck)
    assert e.value.status == 403 and e.value.code == "field_restricted"
    run_query(spec, secured, ADMIN, TODAY, duck)  # admins may


INJECTIONS = ["华东' OR '1'='1", "华东'; DROP TABLE sales_orders; --", "x\\' OR 1=1 --", "%' OR '%'='",
              "华东\" OR \"\"=\"", "') UNION SELECT password_hash FROM users --"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_filter_values_are_escaped_literals(duck, demo_index, value) -> None:  # type: ignore[no-untyped-def]
    for op in ("=", "contains", "starts_with"):
        out = rows(duck, demo_index, {"metrics": ["revenue"], "where": [
            {"field": "customers.region", "op": op, "value": value}]}, ADMIN)
        assert out == [{"revenue": None}]
    out = rows(duck, demo_index, {"metrics": ["revenue"], "where": [
        {"field": "customers.region", "op": "in", "values": [value, "华东"]}]}, ADMIN)
    assert out[0]["revenue"] > 0
    with duck.warehouse.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM sales_orders").fetchone()[0] > 0


@pytest.mark.parametrize(("spec", "code"), [
    ({"metrics": ["revenue; DROP TABLE sales_orders"]}, "unknown_metric"),
    ({"metrics": ["revenue"], "dimensions": ["customers.region; DROP TABLE x"]}, "unknown_field"),
    ({"metrics": ["revenue"], "dimensions": ["customers.region\" FROM users --"]}, "unknown_field"),
    ({"metrics": ["revenue"], "where": [{"field": "1=1 OR customers.region", "op": "=", "value": "x"}]},
     "unknown_field"),
    ({"metrics": [{"name": "x\" FROM users; --", "compute": {"yoy": "revenue"}}]}, "spec_invalid"),
    ({"metrics": ["revenue"], "dimensions": [{"field": "customers.region", "name": "r`; DROP"}]}, "spec_invalid"),
    ({"metrics": ["revenue"], "order_by": [{"field": "revenue DESC; DROP TABLE x"}]}, "unknown_order_field"),
    ({"metrics": ["revenue"], "having": [{"field": "revenue", "op": ">", "value": "1 OR 1=1"}]}, "bad_filter_value"),
])
def test_names_and_aliases_cannot_inject(duck, demo_index, spec, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ShuzhiError) as e:
        run_query(spec, demo_index, ADMIN, TODAY, duck)
    assert e.value.code == code
    assert e.value.status < 500
