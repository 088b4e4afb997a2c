"""A field may be named by its physical column (an imported column named by its header) in QuerySpecs
and formulas; a field's own name always wins, and a column two fields read is not a name."""

from __future__ import annotations

import pytest

from shuzhi.compile.fields import formula_expr
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import SemanticModel


def _index() -> ModelIndex:
    return ModelIndex.build(SemanticModel.model_validate({"name": "m", "datasets": [
        {"name": "orders", "table": "orders", "fields": [
            {"name": "col_1", "type": "string", "column": "客户"},
            {"name": "col_2", "type": "number", "column": "订单金额", "dimension": False},
            {"name": "col_3", "type": "number", "column": "运费（元）", "dimension": False},
            {"name": "amount", "type": "number", "column": "col_1", "dimension": False},  # a column named like a field
            {"name": "net", "type": "number", "expr": '订单金额 - "运费（元）"', "dimension": False},
            {"name": "a", "type": "string", "column": "同列"}, {"name": "b", "type": "string", "column": "同列"}]}],
        "metrics": [{"name": "east", "label": "华东金额", "dataset": "orders", "agg": "sum", "expr": '"订单金额"',
                     "filter": "客户 = '华东'"}]}))


def test_fields_are_found_by_their_column() -> None:
    idx = _index()
    assert idx.resolve_field("orders.客户") == ("orders", "col_1") == idx.resolve_field("客户")
    assert idx.resolve_field("orders.col_1") == ("orders", "col_1")  # the field's own name wins over a column
    with pytest.raises(ShuzhiError):
        idx.resolve_field("orders.同列")  # two fields read it: not a name


def test_formulas_name_columns_bare_or_quoted_and_sql_quotes_them() -> None:
    idx = _index()
    sql = formula_expr(idx, "orders", '订单金额 + "运费（元）" + net', {"orders": "o"}).sql("duckdb")
    assert '"o"."订单金额"' in sql and '"o"."运费（元）"' in sql
    with pytest.raises(ShuzhiError):
        formula_expr(idx, "orders", "运费（元） * 2", {"orders": "o"})  # symbols need quotes


def test_a_column_rule_on_the_field_also_denies_its_column_name() -> None:
    import datetime as dt

    from shuzhi.spec.query_spec import QuerySpec
    from shuzhi.spec.resolve import UserContext, resolve

    data = _index().model.model_dump()
    data["column_rules"] = [{"name": "no_customer", "fields": ["orders.col_1"], "deny_roles": ["viewer"]}]
    idx = ModelIndex.build(SemanticModel.model_validate(data))
    viewer = UserContext("v", "viewer")
    for ref in ("orders.客户", "客户", "orders.col_1"):
        with pytest.raises(ShuzhiError) as e:
            resolve(QuerySpec.model_validate({"metrics": ["east"], "dimensions": [ref]}), idx, viewer,
                    dt.date(2026, 1, 1))
        assert e.value.status == 403 or "restricted" in e.value.code, e.value.code
