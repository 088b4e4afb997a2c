"""Chinese headers stay the column names: in SQL, in the model (fields, formulas, QuerySpecs), in
self-service datasets, in the question parser's lexicon and in table previews."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import cli_zygote
from shuzhi.catalog.semantic import get_model, save_model
from shuzhi.model.schema import MetricDef, SemanticModel
from shuzhi.service import datasets as ds_service
from shuzhi.service.imports import ImportOptions, run_import_inline
from shuzhi.service.modeling import add_table_to_model
from shuzhi.service.query import query
from shuzhi.service.tables import first_rows
from shuzhi.spec.resolve import UserContext

SHUZHI = str(Path(sys.executable).parent / "shuzhi")
CSV = ("订单号,客户,订单金额,运费（元）, 下单\u3000 日期 ,备注.说明\n"
       "SO1,华东机械,100,5,2025-01-03,x\n"
       "SO2,华东机械,250,8,2025-02-03,y\n"
       "SO3,南方电机,40,3,2025-02-09,z\n")


def _import(rt, tmp_path: Path) -> dict:  # type: ignore[no-untyped-def]
    path = tmp_path / "订单.csv"
    path.write_text(CSV, encoding="utf-8")
    return run_import_inline(rt, path, path.name, ImportOptions(table="orders"), user="admin")


def test_headers_are_the_column_names_in_sql_model_and_datasets(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = _import(rt, tmp_path)
    assert [c["name"] for c in out["columns"]] == ["订单号", "客户", "订单金额", "运费（元）", "下单 日期", "备注_说明"]
    with rt.warehouse().cursor() as cur:
        assert cur.execute('SELECT "订单号", "运费（元）" FROM orders ORDER BY 1').fetchall()[0] == ("SO1", 5)
    system = UserContext.system()
    assert first_rows(rt, "orders", 2, system).column_names[:2] == ["订单号", "客户"]  # the data page's preview

    with rt.catalog.session() as db:
        save_model(db, SemanticModel(name="m", datasets=[]), actor="t")
        add_table_to_model(rt, db, "orders", actor="t", may_change_rules=True)
        model, _ = get_model(db)
        fields = {f.column or f.name: f for f in next(d for d in model.datasets if d.table == "orders").fields}
        assert fields["订单金额"].label == "订单金额" and fields["下单 日期"].type == "date"
        # Formulas name the Chinese columns, bare or quoted.
        metrics = [MetricDef(name="east_amount", label="华东订单金额", dataset="orders", agg="sum", expr="订单金额",
                             filter="客户 = '华东机械'"),
                   MetricDef(name="freight", label="运费", dataset="orders", agg="sum", expr='"运费（元）" * 1.0'),
                   MetricDef(name="freight_share", label="运费占比", formula="freight / east_amount")]
        save_model(db, model.model_copy(update={"metrics": [*model.metrics, *metrics]}), actor="t")
    res = query(rt, {"metrics": ["east_amount", "freight"], "dimensions": ["orders.客户"],
                     "order_by": [{"field": "orders.客户"}]}, system)
    assert res.rows == [["华东机械", 350, 13.0], ["南方电机", None, 3.0]]
    assert '"订单金额"' in res.sql and '"运费（元）"' in res.sql  # quoted identifiers, built by sqlglot
    by_month = query(rt, {"metrics": ["freight"], "dimensions": [{"field": "orders.下单 日期", "grain": "month"}]},
                     system)
    assert [r[1] for r in by_month.rows] == [5.0, 11.0]

    with rt.catalog.session() as db:  # a self-service dataset over the same columns
        pv = ds_service.preview(rt, db, {"source": {"table": "orders"}, "steps": [
            {"op": "filter", "conditions": [{"field": "订单金额", "op": ">", "value": 50}]},
            {"op": "calculate", "name": "含运费金额", "formula": '订单金额 + "运费（元）"'}]})
    assert pv["rows"][0][0] == "SO1" and pv["rows"][0][-1] == 105 and len(pv["rows"]) == 2


def test_excel_duplicate_and_blank_headers(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["订单号", "订单号", None, "Order ID", "order id"])
    ws.append(["SO1", "SO1-A", 3, "x", "y"])
    ws.append(["SO2", "SO2-A", 4, "z", "w"])
    path = tmp_path / "dup.xlsx"
    wb.save(path)
    out = run_import_inline(rt, path, path.name, ImportOptions(table="dup"), user="admin")
    assert [c["name"] for c in out["columns"]] == ["订单号", "订单号_2", "列3", "Order ID", "order id_2"]
    with rt.warehouse().cursor() as cur:
        assert cur.execute('SELECT "订单号_2", "列3", "Order ID" FROM dup ORDER BY 1').fetchall()[0] == ("SO1-A", 3, "x")


def test_csv_duplicate_and_blank_headers(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A CSV header that repeats a name or ends with a blank cell (a trailing comma) is still the header:
    the names are made unique as in Excel, and the confidence says why it is low."""
    path = tmp_path / "dup.csv"
    path.write_text("订单号,客户,金额,金额,\nSO1,甲,10,11,x\nSO2,乙,20,21,y\n", encoding="utf-8")
    out = run_import_inline(rt, path, path.name, ImportOptions(table="dupcsv"), user="admin")
    assert [c["name"] for c in out["columns"]] == ["订单号", "客户", "金额", "金额_2", "列5"]
    with rt.warehouse().cursor() as cur:
        assert cur.execute('SELECT "金额", "金额_2", "列5" FROM dupcsv ORDER BY 1').fetchall() == [(10, 11, "x"), (20, 21, "y")]


def test_the_lexicon_reads_the_header_words(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service.ask import ask

    _import(rt, tmp_path)
    with rt.catalog.session() as db:
        save_model(db, SemanticModel(name="m", datasets=[]), actor="t")
        add_table_to_model(rt, db, "orders", actor="t", may_change_rules=True)
    answer = ask(rt, "各客户的订单金额", UserContext.system())
    assert answer["spec"]["dimensions"] == ["orders.col_2"]
    assert sorted(answer["result"]["rows"]) == [["华东机械", 350], ["南方电机", 40]]
    east = ask(rt, "华东机械的订单金额", UserContext.system())  # a value of the Chinese column
    assert east["spec"]["where"][0]["value"] == "华东机械" and east["result"]["rows"] == [[350]]


def test_shuzhi_sql_selects_a_chinese_column(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _import(rt, tmp_path)
    rt.close()  # the CLI opens the warehouse file itself
    env = {**os.environ, "SHUZHI_LANG": "zh"}
    p = cli_zygote.run(["sql", 'select "订单号", "运费（元）" from orders order by 1', "--format", "json"],
                       env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    body = json.loads(p.stdout)
    assert [c["name"] for c in body["columns"]] == ["订单号", "运费（元）"] and body["rows"][0] == ["SO1", 5]
