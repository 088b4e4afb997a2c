"""The demo semantic model (src/shuzhi/demo/model.yaml) against the contract DEMO_SCHEMA.md.

What this protects:
- the model loads with yaml.safe_load and validates as a SemanticModel;
- every contract table, column and type, every metric (name + Chinese label), every join and every
  "dated by" rule of the contract is in the model, and the metric rules (口径) are pinned exactly;
- the model is consistent on its own, without shuzhi.model.index: join targets and keys, metric
  datasets and time fields, identifiers in expr / filter / formula, hierarchy levels, no cycles;
- filter literals are spelled as the contract's value sets, and every aggregate metric's expr and
  filter run in DuckDB on the session demo warehouse (conftest `con`) and find rows;
- names are usable by the natural-language parser: every visible metric has labels, a description,
  owner, unit and synonyms, and no metric word (label or synonym) collides with another metric's or
  with any field's label or synonym.
The contract is ../shared/DEMO_SCHEMA.md next to the repository when present, else docs/DEMO_SCHEMA.md.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb
import pytest
import sqlglot
import yaml
from sqlglot import exp

from shuzhi.demo.contract import EXTENSION_COLUMNS, EXTENSION_TABLES, TABLE_COLUMNS
from shuzhi.model.schema import DatasetDef, FieldDef, JoinDef, MetricDef, SemanticModel

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_PATH = REPO_ROOT / "src" / "shuzhi" / "demo" / "model.yaml"
DOC_PATH = REPO_ROOT / "docs" / "demo-model.md"

TYPE_MAP = {
    "INTEGER": "integer",
    "DOUBLE": "number",
    "VARCHAR": "string",
    "DATE": "date",
    "BOOLEAN": "boolean",
}

# Numeric columns that are only aggregated inside metrics (dimension: false); every other column is a
# dimension.
MEASURES = {
    "amount", "cost", "quantity", "unit_price", "discount_rate", "on_hand_qty", "on_hand_value",
    "planned_qty", "good_qty", "scrap_qty", "planned_hours", "actual_hours", "inspected_qty",
    "defect_qty", "expected_amount", "budget", "standard_cost", "list_price",
    "requested_budget", "headcount", "expected_annual_revenue",  # rd_proposals, rd_capacity (issue 17)
}  # fmt: skip

HIERARCHIES = {
    "geography": ["customers.region", "customers.province", "customers.city"],
    "product": ["products.product_line", "products.product_name"],
    "supplier": ["suppliers.material_category", "suppliers.supplier_name"],
    "rd": ["rd_projects.tech_field", "rd_projects.project_name"],
}

# Visible metrics the model adds to the contract's 口径 table (extend, never rename).
# R&D efficiency (issue 17, docs/innovation-efficiency.md).
EXTENSION_METRICS = {"new_customers", "cost_per_invention_patent", "avg_grant_months", "budget_execution_rate",
                     "industry_patent_applications", "industry_patents_granted", "proposal_count", "requested_budget",
                     "requested_headcount", "proposal_expected_revenue", "rd_capacity_budget", "rd_capacity_headcount"}

# The 口径, pinned. Aggregates: (dataset, agg, expr, filter, time, time_aggregation); derived: formula.
NOT_CANCELLED = "status <> '已取消'"
AGGREGATES: dict[str, tuple[str, str, str | None, str | None, str, str | None]] = {
    "revenue": ("sales_orders", "sum", "amount", NOT_CANCELLED, "order_date", None),
    "sales_quantity": ("sales_orders", "sum", "quantity", NOT_CANCELLED, "order_date", None),
    "cogs": ("sales_orders", "sum", "cost", NOT_CANCELLED, "order_date", None),
    "order_count": ("sales_orders", "count_distinct", "order_id", NOT_CANCELLED, "order_date", None),
    "customer_count": ("sales_orders", "count_distinct", "customer_id", NOT_CANCELLED, "order_date", None),
    "new_customers": ("customers", "count", None, None, "created_date", None),  # extension (not in the contract)
    "new_product_revenue": (
        "sales_orders", "sum", "amount", f"{NOT_CANCELLED} AND products.is_new_product", "order_date", None,
    ),
    "inventory_value": ("inventory_snapshots", "sum", "on_hand_value", None, "snapshot_date", "last"),
    "avg_inventory_value": ("inventory_snapshots", "sum", "on_hand_value", None, "snapshot_date", "average"),
    "good_qty": ("production_orders", "sum", "good_qty", None, "start_date", None),
    "scrap_qty": ("production_orders", "sum", "scrap_qty", None, "start_date", None),
    "planned_qty": ("production_orders", "sum", "planned_qty", None, "start_date", None),
    "defect_qty": ("quality_inspections", "sum", "defect_qty", None, "inspection_date", None),
    "inspected_qty": ("quality_inspections", "sum", "inspected_qty", None, "inspection_date", None),
    "purchase_amount": ("purchase_orders", "sum", "amount", None, "po_date", None),
    "import_purchase_amount": ("purchase_orders", "sum", "amount", "NOT suppliers.is_domestic", "po_date", None),
    "pipeline_amount": (
        "opportunities", "sum", "expected_amount", "stage NOT IN ('赢单', '输单')", "created_date", None,
    ),
    "won_opportunities": ("opportunities", "count", None, "stage = '赢单'", "close_date", None),
    "closed_opportunities": ("opportunities", "count", None, "stage IN ('赢单', '输单')", "close_date", None),
    "rd_spend": ("rd_expenses", "sum", "amount", None, "expense_month", None),
    "patent_applications": ("patents", "count", None, None, "application_date", None),
    "patents_granted": ("patents", "count", None, "grant_date IS NOT NULL", "grant_date", None),
    "granted_commercialized_patents": (
        "patents", "count", None, "grant_date IS NOT NULL AND commercialized", "grant_date", None,
    ),
    "successful_projects": (
        "rd_projects", "count", None, "status = '已完成' AND industrialized", "planned_end_date", None,
    ),
    "closed_projects": ("rd_projects", "count", None, "status IN ('已完成', '已终止')", "planned_end_date", None),
    # R&D efficiency (extensions, issue 17)
    "granted_invention_patents": (
        "patents", "count", None, "patent_type = '发明' AND grant_date IS NOT NULL", "grant_date", None,
    ),
    "avg_grant_months": (
        "patents", "avg", "DATE_DIFF('day', application_date, grant_date) / 30.4375", "grant_date IS NOT NULL",
        "grant_date", None,
    ),
    "project_budget": ("rd_projects", "sum", "budget", "budget > 0", "start_date", None),
    # innovation tables (extensions, issue 17)
    "industry_patent_applications": ("industry_patents", "count", None, None, "application_date", None),
    "industry_patents_granted": ("industry_patents", "count", None, "grant_date IS NOT NULL", "grant_date", None),
    "proposal_count": ("rd_proposals", "count", None, None, "submitted_date", None),
    "requested_budget": ("rd_proposals", "sum", "requested_budget", None, "submitted_date", None),
    "requested_headcount": ("rd_proposals", "sum", "headcount", None, "submitted_date", None),
    "proposal_expected_revenue": ("rd_proposals", "sum", "expected_annual_revenue", None, "submitted_date", None),
    "rd_capacity_budget": ("rd_capacity", "sum", "budget", None, None, None),
    "rd_capacity_headcount": ("rd_capacity", "sum", "headcount", None, None, None),
}  # fmt: skip
DERIVED = {
    "gross_profit": "revenue - cogs",
    "gross_margin": "gross_profit / revenue",
    "avg_order_value": "revenue / order_count",
    "new_product_revenue_share": "new_product_revenue / revenue",
    "inventory_turnover": "cogs / avg_inventory_value",
    "yield_rate": "good_qty / (good_qty + scrap_qty)",
    "plan_attainment": "good_qty / planned_qty",
    "defect_rate": "defect_qty / inspected_qty",
    "import_share": "import_purchase_amount / purchase_amount",
    "win_rate": "won_opportunities / closed_opportunities",
    "rd_intensity": "rd_spend / revenue",
    "patent_commercialization_rate": "granted_commercialized_patents / patents_granted",
    "project_success_rate": "successful_projects / closed_projects",
    "cost_per_invention_patent": "rd_spend / granted_invention_patents",
    "budget_execution_rate": "rd_spend / project_budget",
}
# What each unit is displayed as.
UNIT_FORMATS = {"元": "currency", "%": "percent", "件": "integer", "单": "integer", "家": "integer",
                "项": "integer", "个": "integer", "次": "number", "月": "number", "人": "integer"}  # fmt: skip


# ── the contract ─────────────────────────────────────────────────────────────────────────────


def _schema_path() -> Path:
    shared = REPO_ROOT.parent / "shared" / "DEMO_SCHEMA.md"
    return shared if shared.exists() else REPO_ROOT / "docs" / "DEMO_SCHEMA.md"


def _sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        out.setdefault(current, []).append(line)
    return out


def _table_rows(lines: list[str]) -> list[list[str]]:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines if line.startswith("|")]
    return rows[2:]  # skip the header and the |---| line


@cache
def schema_contract() -> dict:
    text = _schema_path().read_text(encoding="utf-8")
    sections = _sections(text)
    tables: dict[str, dict[str, str]] = {}
    pks: dict[str, list[str]] = {}
    table_rows = [row for k, v in sections.items() if k.startswith(("Tables", "Extensions")) for row in _table_rows(v)]
    for table, spec in table_rows:
        tables[table] = {}
        for col in re.sub(r"\([^)]*\)", "", spec).split(","):
            name, typ, *flags = col.split()
            tables[table][name] = TYPE_MAP[typ]
            if "pk" in flags:
                pks.setdefault(table, []).append(name)
    for cols, table in re.findall(r"\(([\w, ]+)\) is the key of (\w+)", text):
        pks[table] = [c.strip() for c in cols.split(",")]

    metrics: dict[str, str] = {}
    dated_by: dict[str, str] = {}
    last_date = None
    for name, zh, definition in _table_rows(next(v for k, v in sections.items() if k.startswith("Business"))):
        metrics[name] = zh
        m = re.search(r"dated by (\w+)", definition)
        if m:
            last_date = dated_by[name] = m.group(1)
        elif "same rows" in definition and last_date:
            dated_by[name] = last_date

    value_sets: dict[tuple[str, str], set[str]] = {}
    for line in next(v for k, v in sections.items() if k.startswith("Value sets")):
        if not line.startswith("- "):
            continue
        previous = ""
        for segment in re.sub(r"\([^)]*\)", "", line[2:]).split(";"):
            lhs, rhs = segment.split(":", 1)
            for target in lhs.split(" and "):
                table, _, col = target.strip().rpartition(".")
                table = table or previous
                value_sets[(table, col)] = {v.strip() for v in rhs.split(",") if v.strip()}
                previous = table

    m = re.search(r"reachable through the joins(.*?)\.\s+Every", text, re.S)
    assert m, "the contract's join sentence was not found"
    joins = {
        (src, dst) for src, targets in re.findall(r"(\w+)→([\w/]+)", m.group(1)) for dst in targets.split("/")
    }
    for table in EXTENSION_TABLES:  # beyond DEMO_SCHEMA.md: contract.py (docs/demo.md) describes them
        tables[table] = {name: TYPE_MAP[typ] for name, typ, _ in TABLE_COLUMNS[table]}
        pks[table] = [TABLE_COLUMNS[table][0][0]]
    return {
        "tables": tables,
        "pks": pks,
        "metrics": metrics,
        "dated_by": dated_by,
        "joins": joins,
        "values": value_sets,
    }


# ── the model ────────────────────────────────────────────────────────────────────────────────


@cache
def raw_model() -> dict:
    return yaml.safe_load(MODEL_PATH.read_text(encoding="utf-8"))


@cache
def model() -> SemanticModel:
    return SemanticModel.model_validate(raw_model())


def datasets() -> dict[str, DatasetDef]:
    return {d.name: d for d in model().datasets}


def fields(dataset: str) -> dict[str, FieldDef]:
    return {f.name: f for f in datasets()[dataset].fields}


def metrics() -> dict[str, MetricDef]:
    return {m.name: m for m in model().metrics}


def reachable(dataset: str) -> set[str]:
    """The dataset and every dataset reached from it through many_to_one joins."""
    seen, todo = {dataset}, [dataset]
    while todo:
        for j in datasets()[todo.pop()].joins:
            if j.relationship == "many_to_one" and j.to not in seen:
                seen.add(j.to)
                todo.append(j.to)
    return seen


def columns(formula: str) -> list[tuple[str, str]]:
    """(qualifier, name) of every identifier in a SQL-like formula; qualifier '' when plain."""
    return [(c.table, c.name) for c in sqlglot.parse_one(formula, read="duckdb").find_all(exp.Column)]


def normalized(formula: str | None) -> str | None:
    return None if formula is None else sqlglot.parse_one(formula, read="duckdb").sql(dialect="duckdb")


def leaves(name: str) -> set[str]:
    """The aggregate metrics a metric is computed from."""
    m = metrics()[name]
    if not m.is_derived:
        return {name}
    return set().union(*(leaves(ref) for _, ref in columns(m.formula)))


def _fold(word: str) -> str:
    return word.strip().casefold()


# ── loading ──────────────────────────────────────────────────────────────────────────────────


def test_model_validates() -> None:
    m = model()
    assert m.name == "huajing"
    assert m.label == "华精科技经营分析模型"
    assert m.label_en and m.description
    # One row rule shows the feature: a region attribute limits a user to that region; no attribute, no limit.
    assert [(r.name, r.dataset, r.missing_attribute) for r in m.row_rules] == [("own_region", "customers", "skip")]
    assert m.column_rules == []


def test_yaml_has_only_string_keys() -> None:
    """YAML 1.1 reads a bare `on:` key as True; joins must quote it."""

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                assert isinstance(key, str), f"non-string key {key!r} at {path}"
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(raw_model(), "model")


# ── the contract is in the model ─────────────────────────────────────────────────────────────


def test_every_contract_table_is_a_dataset() -> None:
    ds = datasets()
    assert set(schema_contract()["tables"]) == set(ds)
    for name, d in ds.items():
        assert d.table == name and d.sql is None
        assert d.label and d.label_en and d.description, name


@pytest.mark.parametrize("table", sorted(schema_contract()["tables"]))
def test_every_contract_column_is_a_field_of_the_right_type(table: str) -> None:
    expected = schema_contract()["tables"][table]
    got = fields(table)
    extensions = list(EXTENSION_COLUMNS.get(table, ()))
    assert list(got) == list(expected) + extensions, (
        "fields must be the contract's columns, in the contract's order, then the documented extensions")
    for name, typ in expected.items():
        f = got[name]
        assert f.type == typ, f"{table}.{name}: {f.type} != {typ}"
        assert f.column is None and f.expr is None, f"{table}.{name} is a plain column"
        assert f.label and f.label_en, f"{table}.{name} needs label and label_en"
        assert len(f.synonyms) >= 2, f"{table}.{name} needs synonyms"
        assert f.dimension == (name not in MEASURES), (
            f"{table}.{name}: dimension should be {name not in MEASURES}"
        )


def test_primary_keys() -> None:
    for table, pk in schema_contract()["pks"].items():
        assert datasets()[table].primary_key == pk, table
    for d in datasets().values():
        assert d.primary_key, f"{d.name} needs a primary key"
        assert set(d.primary_key) <= set(fields(d.name)), d.name


def test_joins_are_exactly_the_contracts() -> None:
    declared = {(d.name, j.to) for d in datasets().values() for j in d.joins}
    assert declared == schema_contract()["joins"]


def test_every_contract_metric_is_a_metric_with_its_chinese_label() -> None:
    ms = metrics()
    for name, zh in schema_contract()["metrics"].items():
        assert name in ms, f"metric {name} missing"
        assert ms[name].label == zh, f"{name}: label {ms[name].label!r} != {zh!r}"
        assert not ms[name].hidden, f"{name} is a contract metric and must be visible"
    visible = {n for n, m in ms.items() if not m.hidden}
    assert visible == set(schema_contract()["metrics"]) | EXTENSION_METRICS, "visible: the contract's + extensions"


def test_contract_dated_by() -> None:
    for name, date_field in schema_contract()["dated_by"].items():
        times = {metrics()[leaf].time for leaf in leaves(name)}
        assert times == {date_field}, f"{name} must be dated by {date_field}, its inputs are dated by {times}"


@pytest.mark.parametrize("name", sorted(AGGREGATES))
def test_aggregate_rules_are_pinned(name: str) -> None:
    m = metrics()[name]
    dataset, agg, expr, filt, time, time_agg = AGGREGATES[name]
    assert (m.dataset, m.agg, m.time, m.time_aggregation) == (dataset, agg, time, time_agg)
    assert normalized(m.expr) == normalized(expr)
    assert normalized(m.filter) == normalized(filt)
    assert m.formula is None


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_derived_rules_are_pinned(name: str) -> None:
    m = metrics()[name]
    assert normalized(m.formula) == normalized(DERIVED[name])
    assert m.dataset is None and m.agg is None and m.time is None and m.filter is None


def test_every_metric_is_pinned() -> None:
    assert set(metrics()) == set(AGGREGATES) | set(DERIVED)


# ── internal consistency ─────────────────────────────────────────────────────────────────────


def test_joins_resolve() -> None:
    ds = datasets()
    for d in ds.values():
        for j in d.joins:
            assert j.to in ds, f"{d.name} joins unknown dataset {j.to}"
            assert j.relationship == "many_to_one"
            for mine, theirs in j.on.items():
                assert mine in fields(d.name), f"{d.name}.{mine} missing"
                assert theirs in fields(j.to), f"{j.to}.{theirs} missing"
                assert fields(d.name)[mine].type == fields(j.to)[theirs].type, f"{d.name}→{j.to} key types"
            # many_to_one: the other side's columns are its key
            assert list(j.on.values()) == ds[j.to].primary_key, f"{d.name}→{j.to} must join on {j.to}'s key"


def test_metric_names_are_unique() -> None:
    names = [m.name for m in model().metrics]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", sorted(AGGREGATES))
def test_aggregate_metrics_resolve(name: str) -> None:
    m = metrics()[name]
    assert m.dataset in datasets(), f"{name}: unknown dataset {m.dataset}"
    if m.time is not None or m.dataset not in EXTENSION_TABLES:  # rd_capacity has no date: its metrics are undated
        assert m.time in fields(m.dataset), f"{name}: {m.dataset}.{m.time} missing"
        assert fields(m.dataset)[m.time].is_time, f"{name}: {m.time} is not a date"
    ok = reachable(m.dataset)
    for text in (m.expr, m.filter):
        if text is None:
            continue
        for qualifier, col in columns(text):
            ds = qualifier or m.dataset
            assert ds in ok, f"{name}: {ds} is not reachable from {m.dataset} through many_to_one joins"
            assert col in fields(ds), f"{name}: {ds}.{col} missing"
    if m.agg in ("sum", "avg") and m.expr and len(columns(m.expr)) == 1 and isinstance(
            sqlglot.parse_one(m.expr, read="duckdb"), exp.Column):
        ((qualifier, col),) = columns(m.expr)
        assert fields(qualifier or m.dataset)[col].type in ("integer", "number"), f"{name} sums a non-number"


def test_filter_literals_are_contract_values() -> None:
    """'已取消', '赢单', '已完成' ... must be spelled exactly as the contract's value sets."""
    values = schema_contract()["values"]
    checked = 0
    for m in model().metrics:
        if not m.filter:
            continue
        for pred in sqlglot.parse_one(m.filter, read="duckdb").find_all(exp.EQ, exp.NEQ, exp.In):
            col = pred.this
            assert isinstance(col, exp.Column), f"{m.name}: compare a column with literals"
            allowed = values[(col.table or m.dataset, col.name)]
            for lit in pred.find_all(exp.Literal):
                assert lit.is_string and lit.this in allowed, (
                    f"{m.name}: {lit.sql()} not in {sorted(allowed)}"
                )
                checked += 1
    assert checked >= 8


def _path(start: str, target: str) -> list[tuple[str, JoinDef]]:
    """The many_to_one joins leading from start to target (breadth first)."""
    todo: list[tuple[str, list[tuple[str, JoinDef]]]] = [(start, [])]
    while todo:
        at, path = todo.pop(0)
        if at == target:
            return path
        todo += [(j.to, [*path, (at, j)]) for j in datasets()[at].joins if j.relationship == "many_to_one"]
    raise AssertionError(f"{target} is not reachable from {start}")


def aggregate_query(m: MetricDef) -> exp.Select:
    """The metric's total over all time, as a sqlglot tree (no time_aggregation: a smoke query)."""

    def qualify(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table:
            return exp.column(node.name, table=m.dataset)
        return node

    inner = sqlglot.parse_one(m.expr, read="duckdb").transform(qualify) if m.expr else exp.Star()
    agg = {"sum": exp.Sum(this=inner), "count": exp.Count(this=inner), "avg": exp.Avg(this=inner)}.get(m.agg)
    if m.agg == "count_distinct":
        agg = exp.Count(this=exp.Distinct(expressions=[inner]))
    assert agg is not None, m.agg
    query = exp.select(agg).from_(exp.to_table(m.dataset).as_(m.dataset))
    joined = {m.dataset}
    where = sqlglot.parse_one(m.filter, read="duckdb").transform(qualify) if m.filter else None
    for text in (m.expr, m.filter):
        for qualifier, _ in columns(text) if text else []:
            for src, j in _path(m.dataset, qualifier or m.dataset):
                if j.to in joined:
                    continue
                on = exp.and_(
                    *(exp.column(a, table=src).eq(exp.column(b, table=j.to)) for a, b in j.on.items())
                )
                query = query.join(exp.to_table(j.to).as_(j.to), on=on, join_type="left")
                joined.add(j.to)
    return query.where(where) if where is not None else query


@pytest.mark.parametrize("name", sorted(AGGREGATES))
def test_aggregate_metrics_run_on_the_demo_warehouse(name: str, con: duckdb.DuckDBPyConnection) -> None:
    """Each aggregate metric's expr and filter run in DuckDB on the session demo and find rows."""
    sql = aggregate_query(metrics()[name]).sql(dialect="duckdb")
    ((value,),) = con.execute(sql).fetchall()
    assert value is not None and value > 0, f"{name}: {sql} -> {value}"


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_derived_formulas_reference_metrics_only(name: str) -> None:
    m = metrics()[name]
    tree = sqlglot.parse_one(m.formula, read="duckdb")
    assert not list(tree.find_all(exp.AggFunc)), f"{name}: no aggregate functions in a derived formula"
    for qualifier, ref in columns(m.formula):
        assert not qualifier, f"{name}: {qualifier}.{ref} — derived formulas use metric names only"
        assert ref in metrics(), f"{name}: {ref} is not a metric"


def test_no_metric_cycles() -> None:
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        assert state.get(name) != "open", f"cycle through {name}"
        if state.get(name) == "done":
            return
        state[name] = "open"
        m = metrics()[name]
        if m.is_derived:
            for _, ref in columns(m.formula):
                visit(ref)
        state[name] = "done"

    for name in metrics():
        visit(name)


def test_hierarchies() -> None:
    got = {h.name: h.levels for h in model().hierarchies}
    assert got == HIERARCHIES
    for h in model().hierarchies:
        assert h.label and h.label_en
        for level in h.levels:
            ds, col = level.split(".")
            assert col in fields(ds), f"{h.name}: {level} missing"
            assert fields(ds)[col].dimension, f"{h.name}: {level} is not a dimension"


# ── metric center and natural-language words ─────────────────────────────────────────────────


def test_metric_metadata() -> None:
    for m in model().metrics:
        assert m.label and m.label_en and m.description and m.owner and m.unit, m.name
        assert m.status == "certified", m.name
        assert m.tags, m.name
        assert UNIT_FORMATS[m.unit] == m.format, f"{m.name}: unit {m.unit} is shown as {UNIT_FORMATS[m.unit]}"
        if not m.hidden:
            assert len(m.synonyms) >= 2, f"{m.name} needs at least two synonyms"
            assert any(re.search(r"[\u4e00-\u9fff]", s) for s in m.synonyms), f"{m.name}: Chinese synonyms"
            assert any(re.fullmatch(r"[ -~]+", s) for s in m.synonyms), f"{m.name}: English synonyms"
            assert re.search(r"[\u4e00-\u9fff]", m.description) and re.search(r"[A-Za-z]{4}", m.description)


def test_metric_words_are_unambiguous() -> None:
    """A metric word (label, label_en, synonym) names exactly one metric."""
    owner: dict[str, str] = {}
    for m in model().metrics:
        words = {_fold(w) for w in [m.label, m.label_en or "", m.name, *m.synonyms] if w}
        for w in words:
            assert w not in owner, f"{w!r} names both {owner[w]} and {m.name}"
            owner[w] = m.name


def test_metric_words_do_not_collide_with_field_words() -> None:
    """The NL parser must not read a metric word as a field (labels or synonyms) or vice versa."""
    field_words: dict[str, str] = {}
    for d in model().datasets:
        for f in d.fields:
            for w in [f.label or "", f.label_en or "", *f.synonyms]:
                field_words.setdefault(_fold(w), f"{d.name}.{f.name}")
    for m in model().metrics:
        for w in [m.label, m.label_en or "", *m.synonyms]:
            assert _fold(w) not in field_words, f"metric {m.name}'s {w!r} is also {field_words[_fold(w)]}"


def test_field_words_are_unambiguous_within_a_dataset() -> None:
    for d in model().datasets:
        owner: dict[str, str] = {}
        for f in d.fields:
            for w in {_fold(x) for x in [f.label or "", f.label_en or "", *f.synonyms] if x}:
                assert w not in owner, f"{d.name}: {w!r} names both {owner[w]} and {f.name}"
                owner[w] = f.name


def test_doc_lists_every_dataset_and_metric() -> None:
    doc = DOC_PATH.read_text(encoding="utf-8")
    for name in [*datasets(), *metrics(), *HIERARCHIES]:
        assert f"`{name}`" in doc, f"docs/demo-model.md does not mention `{name}`"
    for m in model().metrics:
        assert m.label in doc, f"docs/demo-model.md does not mention {m.label}"
