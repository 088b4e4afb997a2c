"""A table or dataset made analyzable at once: its columns become fields, its numbers metrics.

What FineBI does when a table is added to a business package, done once and written down in the
model (so it is versioned, editable in the metric center, and reachable by questions):
- text, date and boolean columns are dimensions; numeric columns are measures (not grouped by);
- a row-count metric `<dataset>__rows` (「<表>记录数」), and a sum metric `<dataset>__<field>` per
  numeric column (an average for a header naming a per-row quantity: 交期（天）, 合格率(%), 单价), labelled with the column's label — or「<label>（<表>）」when another metric of the
  model already uses that label, so the metric center and questions stay unambiguous;
- every metric is dated by the first date column, when there is one; all are drafts (not certified).
Pure: no I/O.
"""

from __future__ import annotations

import re

from shuzhi.model.aggregations import header_aggregation
from shuzhi.model.schema import DatasetDef, FieldDef, MetricDef

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
NUMERIC = ("integer", "number")


def field_type(sql_type: str) -> str:
    """The model's field type for a DuckDB column type."""
    t = sql_type.upper()
    if t.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                     "UBIGINT", "INT")):
        return "integer"
    if t.startswith(("DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC")):
        return "number"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t == "BOOLEAN":
        return "boolean"
    return "string"


def field_name(column: str, taken: set[str]) -> str:
    """A model field name for a physical column: the column itself (lower-cased) when it is already a
    valid name, else col_<position>; a name already in `taken` gets _2, _3… (`taken` is updated)."""
    base = column.lower() if _NAME.match(column.lower()) else f"col_{len(taken) + 1}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:56]}_{n}", n + 1
    taken.add(name)
    return name


def table_dataset(name: str, table: str, columns: list[tuple[str, str, str | None]], *,
                  label: str | None = None) -> DatasetDef:
    """A DatasetDef over a warehouse table from its (column, sql type, label) list."""
    taken: set[str] = set()
    fields = []
    for col, sql_type, col_label in columns:
        ftype = field_type(sql_type)
        fname = field_name(col, taken)
        fields.append(FieldDef(name=fname, type=ftype, column=None if fname == col else col,  # type: ignore[arg-type]
                               label=col_label or col, dimension=ftype not in NUMERIC,
                               default_aggregation=header_aggregation(col_label or col) if ftype in NUMERIC else None))
    return DatasetDef(name=name, label=label or table, table=table, fields=fields)


def auto_metrics(ds: DatasetDef, taken_labels: set[str], taken_names: set[str]) -> list[MetricDef]:
    """A row count and a sum per numeric field of `ds` (see the module docstring)."""
    time = next((f.name for f in ds.fields if f.type in ("date", "timestamp")), None)
    what = ds.label or ds.name
    out: list[MetricDef] = []

    def label_for(text: str) -> str:
        lab = text if text not in taken_labels else f"{text}（{what}）"
        taken_labels.add(lab)
        return lab

    def name_for(suffix: str) -> str | None:
        n = f"{ds.name}__{suffix}"[:63]
        if not _NAME.match(n) or n in taken_names:
            return None
        taken_names.add(n)
        return n

    if (n := name_for("rows")) is not None:
        out.append(MetricDef(name=n, label=label_for(f"{what}记录数"), label_en=f"Rows of {what}",
                             description=f"自动生成：{what} 的记录数。Generated: the number of rows of {what}.",
                             dataset=ds.name, agg="count", time=time, format="integer",
                             tags=["自动生成"]))
    for f in ds.fields:
        if f.type not in NUMERIC or (n := name_for(f.name)) is None:
            continue
        text = f.label or f.name
        agg = f.default_aggregation or "sum"  # avg for per-row quantities (交期（天）, 合格率): see header_aggregation
        how = ("平均值", "average") if agg == "avg" else ("合计", "sum")
        out.append(MetricDef(name=n, label=label_for(text), label_en=f.label_en or text,
                             description=f"自动生成：{what} 的 {text} {how[0]}。Generated: the {how[1]} of {text} in {what}.",
                             dataset=ds.name, agg=agg, expr=f.name, time=time,  # type: ignore[arg-type]
                             format="integer" if f.type == "integer" else "number", tags=["自动生成"]))
    return out
