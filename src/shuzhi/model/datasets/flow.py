"""The columns after each step, computed statically (no SQL is run), with every name and type checked.

    plan = plan_dataset(spec, columns_of)     # columns_of(SourceRef) -> list[Column]
    plan.steps[k - 1].output                  # the columns after step k (1-based)

Invariants
- Pure: the input tables' columns come from the caller (columns_of); nothing here opens anything.
- Types are the model's field types (string, integer, number, boolean, date, timestamp) and match what
  DuckDB returns for the compiled SQL, because shuzhi.compile.datasets casts every computed column to
  the type decided here (tests/service/datasets check this against DuckDB).
- Names are matched the way DuckDB matches identifiers: exactly, else case-insensitively; two columns
  whose names differ only in case are refused (they would collide in SQL).
- Every problem is a ShuzhiError 400 whose message starts with the step number and kind
  ("第 3 步（筛选）：" / "Step 3 (filter): ") and whose details carry {"step": k}.
- StepPlan.extra holds what a step decided that the compiler must follow (join column mapping,
  union column mapping, the type of a calculated column, pivot output names); the compiler decides
  nothing about names or types itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from shuzhi.errors import ShuzhiError
from shuzhi.model.datasets import steps as S
from shuzhi.model.formula import parse_formula
from shuzhi.model.formula_types import formula_type_hint
from shuzhi.model.index import did_you_mean

SQL_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE",
             "timestamp": "TIMESTAMP"}
TYPE_LABELS = {"string": "文本", "integer": "整数", "number": "数值", "boolean": "布尔", "date": "日期",
               "timestamp": "日期时间"}
NUMERIC = ("integer", "number")
TEMPORAL = ("date", "timestamp")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # one of SQL_TYPES
    label: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "label": self.label or self.name}


@dataclass
class StepPlan:
    index: int  # 1-based
    step: Any  # one of steps.Step
    input: list[Column]
    output: list[Column]
    other: list[Column] | None = None  # the joined / unioned source's columns
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class DatasetPlan:
    spec: S.DatasetSpec
    source: list[Column]
    steps: list[StepPlan]

    @property
    def output(self) -> list[Column]:
        return self.steps[-1].output if self.steps else self.source

    def columns_after(self, k: int) -> list[Column]:
        """Columns after step k (0 = the source)."""
        return self.source if k == 0 else self.steps[k - 1].output


ColumnsOf = Callable[[S.SourceRef], list[Column]]


def field_type_of(datatype: exp.DataType | str | None) -> str | None:
    """A SQL type (sqlglot DataType or DuckDB type text) as a model field type; None if unsupported."""
    if datatype is None:
        return None
    if isinstance(datatype, str):
        try:
            datatype = exp.DataType.build(datatype, dialect="duckdb")
        except Exception:  # noqa: BLE001 - an exotic type we do not support
            return None
    t = exp.DataType.Type
    if datatype.is_type(*exp.DataType.INTEGER_TYPES):
        return "integer"
    if datatype.is_type(*exp.DataType.REAL_TYPES):
        return "number"
    if datatype.is_type(*exp.DataType.TEXT_TYPES):
        return "string"
    if datatype.is_type(t.BOOLEAN):
        return "boolean"
    if datatype.is_type(t.DATE, t.DATE32):
        return "date"
    if datatype.is_type(*exp.DataType.TEMPORAL_TYPES) and not datatype.is_type(t.TIME, t.TIMETZ):
        return "timestamp"
    return None


def unify(types: list[str]) -> str | None:
    """The common type of several, or None when they do not mix (text with numbers, ...)."""
    kinds = set(types)
    if len(kinds) == 1:
        return types[0]
    if kinds <= set(NUMERIC):
        return "number"
    if kinds <= set(TEMPORAL):
        return "timestamp"
    return None


class StepError(ShuzhiError):
    pass


class _Ctx:
    """One step being planned: its number, kind and input columns, and how to complain."""

    def __init__(self, k: int, step: Any, cols: list[Column]) -> None:
        self.k, self.step, self.cols = k, step, cols

    def fail(self, code: str, zh: str, en: str, **details: Any) -> StepError:
        pz, pe = S.step_prefix(self.k, self.step.op)
        return StepError(code, pz + zh, pe + en, 400, details={"step": self.k, "op": self.step.op, **details})

    def col(self, name: str, cols: list[Column] | None = None, side: tuple[str, str] = ("", "")) -> Column:
        cols = self.cols if cols is None else cols
        return lookup(cols, name) or self._unknown(name, cols, side)

    def _unknown(self, name: str, cols: list[Column], side: tuple[str, str]) -> Column:
        hz, he = did_you_mean(name, [c.name for c in cols])
        raise self.fail("dataset_unknown_column", f"{side[0]}没有字段 {name}。{hz}", f"{side[1]}no column {name}.{he}",
                        column=name)

    def unique(self, cols: list[Column]) -> list[Column]:
        seen: dict[str, str] = {}
        for c in cols:
            if c.name.casefold() in seen:
                raise self.fail("dataset_duplicate_column",
                                f"输出中有两个同名字段 {seen[c.name.casefold()]} 和 {c.name}（不区分大小写），请改名。",
                                f"the output has two columns named {seen[c.name.casefold()]} and {c.name} "
                                "(case-insensitive); rename one.", column=c.name)
            seen[c.name.casefold()] = c.name
        if not cols:
            raise self.fail("dataset_no_columns", "这一步之后没有任何字段。", "no columns are left after this step.")
        return cols

    def formula_error(self, err: ShuzhiError) -> StepError:
        return self.fail(err.code, err.zh, err.en, **err.details)


def lookup(cols: list[Column], name: str) -> Column | None:
    exact = next((c for c in cols if c.name == name), None)
    if exact is not None:
        return exact
    folded = [c for c in cols if c.name.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def typed_column(c: Column, table: str | None = None) -> exp.Column:
    """A quoted column reference carrying its SQL type (formula typing reads it)."""
    node = exp.column(c.name, table=table, quoted=True)
    node.type = exp.DataType.build(SQL_TYPES[c.type])
    return node


def formula_resolver(ctx: _Ctx) -> Callable[[tuple[str, ...]], exp.Expression]:
    def resolve(parts: tuple[str, ...]) -> exp.Expression:
        if len(parts) != 1:
            name = ".".join(parts)
            raise ShuzhiError("dataset_unknown_column", f"没有字段 {name}（数据集公式中直接写字段名，不加前缀）。",
                              f"no column {name} (formulas in a dataset use bare column names).",
                              details={"column": name})
        c = lookup(ctx.cols, parts[0])
        if c is None:
            hz, he = did_you_mean(parts[0], [x.name for x in ctx.cols])
            raise ShuzhiError("dataset_unknown_column", f"没有字段 {parts[0]}。{hz}", f"no column {parts[0]}.{he}",
                              details={"column": parts[0]})
        return typed_column(c)

    return resolve


def parse_step_formula(ctx: _Ctx, text: str, context: str) -> exp.Expression:
    try:
        return parse_formula(text, resolve=formula_resolver(ctx), context=context).tree  # type: ignore[arg-type]
    except ShuzhiError as err:
        raise ctx.formula_error(err) from None


def infer_type(tree: exp.Expression) -> str | None:
    """The field type of a formula tree whose columns carry types (typed_column), or None if unknown."""
    t = tree
    while isinstance(t, exp.Paren):
        t = t.this
    if isinstance(t, exp.Cast):
        return field_type_of(t.to)
    if isinstance(t, exp.Column):
        return field_type_of(t.type) if t.type and t.type.this != exp.DataType.Type.UNKNOWN else None
    if isinstance(t, exp.Literal):
        return "string" if t.is_string else ("integer" if t.is_int else "number")
    if isinstance(t, exp.Null):
        return None
    if isinstance(t, (exp.Add, exp.Sub, exp.Mul)):
        a, b = infer_type(t.this), infer_type(t.expression)
        if isinstance(t, exp.Add) and {a, b} in ({"date", "integer"}, {"timestamp", "integer"}):
            return a if a in TEMPORAL else b
        if isinstance(t, exp.Sub) and a in TEMPORAL and b == "integer":
            return a
        if isinstance(t, exp.Sub) and a == b == "date":
            return "integer"
        if a in NUMERIC and b in NUMERIC:
            return "integer" if a == b == "integer" else "number"
        return None if (a in TEMPORAL or b in TEMPORAL) else _hint(t)
    if isinstance(t, (exp.Neg, exp.Abs)):
        a = infer_type(t.this)
        return a if a in NUMERIC else _hint(t)
    branches: list[exp.Expression | None] | None = None
    if isinstance(t, exp.Case):
        branches = [i.args.get("true") for i in t.args.get("ifs", [])] + [t.args.get("default")]
    elif isinstance(t, exp.If):
        branches = [t.args.get("true"), t.args.get("false")]
    elif isinstance(t, (exp.Coalesce, exp.Greatest, exp.Least)):
        branches = [t.this, *t.expressions]
    elif isinstance(t, exp.Nullif):
        branches = [t.this]
    if branches is not None:
        kinds = [k for b in branches if b is not None and (k := infer_type(b)) is not None]
        return unify(kinds) if kinds else None
    return _hint(t)


def _hint(t: exp.Expression) -> str | None:
    return formula_type_hint(t)


def value_fits(value: Any, ftype: str) -> bool:
    """Whether a user value can be compared with a column of ftype (it becomes a typed literal)."""
    if ftype == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if ftype in NUMERIC:
        return isinstance(value, int | float)
    if ftype == "string":
        return isinstance(value, str)
    if isinstance(value, dt.date):
        return True
    if not isinstance(value, str):
        return False
    try:
        (dt.date if ftype == "date" else dt.datetime).fromisoformat(value)
    except ValueError:
        return False
    return True


def _type_name(t: str) -> tuple[str, str]:
    return TYPE_LABELS.get(t, t), t


def plan_dataset(spec: S.DatasetSpec, columns_of: ColumnsOf) -> DatasetPlan:
    """Check every step against the columns flowing into it; ShuzhiError with the step number if not."""
    from shuzhi.model.datasets.ops import PLANNERS

    source = list(columns_of(spec.source))
    plans: list[StepPlan] = []
    cols = source
    for k, step in enumerate(spec.steps, 1):
        ctx = _Ctx(k, step, cols)
        plan = StepPlan(index=k, step=step, input=cols, output=[])
        PLANNERS[step.op](ctx, plan, columns_of)
        plan.output = ctx.unique(plan.output)
        plans.append(plan)
        cols = plan.output
    return DatasetPlan(spec=spec, source=source, steps=plans)
