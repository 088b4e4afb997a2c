"""How home-before-issue14.tar.gz was built: with the code before issue 14 (commit 803286c), in this folder:
SHUZHI_HOME=$PWD/home SHUZHI_ADMIN_PASSWORD=Test-Passw0rd! PYTHONPATH=<old checkout>/src python build.py
then `tar czf home-before-issue14.tar.gz -C home meta.db warehouse.duckdb`."""

from pathlib import Path

from shuzhi.catalog import dashboards as dstore
from shuzhi.catalog.semantic import get_model, save_model
from shuzhi.catalog.tables import get_imported
from shuzhi.model.dashboards import DashboardDef
from shuzhi.model.schema import SemanticModel
from shuzhi.runtime import Runtime
from shuzhi.service import datasets as dss
from shuzhi.service.imports import ImportOptions, run_import_inline
from shuzhi.service.modeling import add_table_to_model
from shuzhi.service.wiring import wire
from shuzhi.settings import get_settings

rt = Runtime(get_settings())
rt.allow_reading(Path.cwd())
rt.start()
wire(rt)
for f, t in (("orders.csv", "orders"), ("customers.csv", "customers_x")):
    r = run_import_inline(rt, Path(f), f, ImportOptions(table=t), user="admin")
    print(t, [(c["name"], c["label"]) for c in r["columns"]])
with rt.catalog.session() as db:
    save_model(db, SemanticModel(name="m", datasets=[]), actor="t")
    add_table_to_model(rt, db, "orders", actor="t", may_change_rules=True)
    m, _ = get_model(db)
    cols = {f.label: f.name for f in m.datasets[0].fields}
    amt, cust = cols["订单金额"], cols["客户编号"]  # c_343743, c_0f8499: safe identifiers made by the old code
    select = " ".join(["SELECT", f"{cust},", amt, "AS amount FROM orders"])
    ds_sql = {"name": "orders_sql", "sql": select,
              "fields": [{"name": cust, "type": "string"}, {"name": "amount", "type": "number", "dimension": False}]}
    dump = m.model_dump()
    m = SemanticModel.model_validate({**dump, "datasets": [*dump["datasets"], ds_sql], "metrics": [
        *dump["metrics"],
        {"name": "c1_amount", "label": "C1金额", "dataset": "orders", "agg": "sum", "expr": amt,
         "filter": f"{cust} = 'C1'"},
        {"name": "sql_amount", "label": "SQL金额", "dataset": "orders_sql", "agg": "sum", "expr": "amount"}]})
    save_model(db, m, actor="t", may_change_rules=True)
with rt.catalog.session() as db:
    cx = get_imported(db, "customers_x").columns
    ckey = cx[0]["name"]
    dss.save(rt, db, {"name": "big_orders", "source": {"table": "orders"}, "steps": [
        {"op": "filter", "conditions": [{"field": amt, "op": ">", "value": 50}]},
        {"op": "calculate", "name": "double_amount", "formula": f"{amt} * 2"},
        {"op": "join", "with": {"table": "customers_x"}, "on": [{"left": cust, "right": ckey}]}]}, actor="t")
    d = DashboardDef.model_validate({"name": "orders-board", "title": "订单", "components": [
        {"id": "k", "kind": "kpi", "pos": {"x": 0, "y": 0, "w": 4, "h": 4}, "spec": {"metrics": ["c1_amount"]}},
        {"id": "c", "kind": "chart", "pos": {"x": 4, "y": 0, "w": 8, "h": 6}, "chart": {"type": "bar"},
         "spec": {"metrics": [f"orders__{amt}"], "dimensions": [f"orders.{cust}"]}}]})
    dstore.create(db, d, owner="admin")
rt.close()
