"""Self-service datasets (自助数据集): the definition and its steps, as pydantic models (pure).

A dataset starts from a source (a warehouse table or another saved dataset) and applies ordered
steps; each step is one of the models below, told apart by its "op":

  select · filter · calculate · aggregate · join · union · sort · rename · retype · pivot ·
  unpivot · deduplicate

Invariants
- Shape only: this module checks what a step says on its own (required parts, allowed aggregate
  functions, value kinds, limits). Whether the names exist and the types fit depends on the input
  columns and is checked by shuzhi.model.datasets.flow, step by step, with the step number.
- Column names are any non-empty text of at most 63 characters without control characters or
  leading/trailing spaces (Chinese names are fine); they only ever reach SQL as quoted sqlglot
  identifiers. DuckDB compares identifiers case-insensitively, so flow refuses two columns whose
  names differ only in case.
- User values (filter values, pivot values) stay Python scalars here and become sqlglot literals in
  shuzhi.compile.datasets; nothing is formatted into SQL text.
- parse_dataset() turns any shape problem into one bilingual ShuzhiError (400) that names the step
  number (1-based) and the part of the step at fault.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from shuzhi.errors import ShuzhiError
from shuzhi.model.schema import Aggregation, FieldType, Name

MAX_STEPS = 100
MAX_PIVOT_VALUES = 100
MAX_IN_VALUES = 1000

Scalar = str | int | float | bool | dt.date | dt.datetime


def check_column_name(v: str) -> str:
    if not isinstance(v, str) or not v or len(v) > 63:
        raise ValueError("列名为 1–63 个字符||a column name has 1 to 63 characters")
    if v != v.strip() or any(ord(ch) < 32 or ord(ch) == 127 for ch in v):
        raise ValueError("列名不能含控制字符，首尾不能有空格||a column name has no control characters and no leading or trailing spaces")
    return v


ColumnName = Annotated[str, AfterValidator(check_column_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SourceRef(_Strict):
    """Where rows come from: a warehouse table, or another saved self-service dataset."""

    table: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$",
                              description="A warehouse table in the main schema.")
    dataset: Name | None = Field(default=None, description="Another saved self-service dataset.")

    @model_validator(mode="after")
    def _one(self) -> SourceRef:
        if (self.table is None) == (self.dataset is None):
            raise ValueError("table 和 dataset 只能且必须给一个||give exactly one of table or dataset")
        return self

    @property
    def key(self) -> str:
        return f"table:{self.table}" if self.table else f"dataset:{self.dataset}"

    def describe(self) -> tuple[str, str]:
        return (f"表 {self.table}", f"table {self.table}") if self.table else (
            f"数据集 {self.dataset}", f"dataset {self.dataset}")


FilterOp = Literal["=", "!=", ">", ">=", "<", "<=", "in", "not_in", "between", "contains", "starts_with",
                   "ends_with", "is_null", "not_null"]


class Condition(_Strict):
    """One structured condition (the same operators as the QuerySpec's where)."""

    field: ColumnName
    op: FilterOp
    value: Scalar | None = None
    values: list[Scalar] | None = Field(default=None, max_length=MAX_IN_VALUES)

    @model_validator(mode="after")
    def _arity(self) -> Condition:
        if self.op in ("in", "not_in"):
            if not self.values:
                raise ValueError(f"{self.op} 需要非空的 values 列表||op {self.op} needs a non-empty values list")
        elif self.op == "between":
            if not self.values or len(self.values) != 2:
                raise ValueError("between 需要 values: [下限, 上限]||op between needs values: [low, high]")
        elif self.op in ("is_null", "not_null"):
            if self.value is not None or self.values:
                raise ValueError(f"{self.op} 不需要取值||op {self.op} takes no value")
        else:
            if self.value is None or self.values:
                raise ValueError(f"{self.op} 需要一个 value||op {self.op} needs one value")
            if self.op in ("contains", "starts_with", "ends_with") and not isinstance(self.value, str):
                raise ValueError(f"{self.op} 需要文本取值||op {self.op} needs a text value")
        return self


class SortKey(_Strict):
    field: ColumnName
    desc: bool = False


class AggregateSpec(_Strict):
    """One output of an aggregate: name = agg(field); count may omit field (counts rows)."""

    name: ColumnName
    agg: Aggregation
    field: ColumnName | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _field(self) -> AggregateSpec:
        if self.field is None and self.agg != "count":
            raise ValueError(f"聚合方式 {self.agg} 需要指定 field||agg {self.agg} needs a field")
        return self


class SelectStep(_Strict):
    """Keep some columns (in the order given), or drop some (exclude)."""

    op: Literal["select"]
    fields: list[ColumnName] = []
    exclude: list[ColumnName] = []

    @model_validator(mode="after")
    def _one(self) -> SelectStep:
        if bool(self.fields) == bool(self.exclude):
            raise ValueError("fields（保留）和 exclude（删除）只能且必须给一个||give either fields (to keep) or exclude (to drop)")
        return self


class FilterStep(_Strict):
    """Keep the rows matching a formula (the formula language) or structured conditions."""

    op: Literal["filter"]
    formula: str | None = Field(default=None, max_length=4000)
    conditions: list[Condition] = Field(default=[], max_length=200)
    match: Literal["all", "any"] = "all"

    @model_validator(mode="after")
    def _one(self) -> FilterStep:
        if bool(self.formula and self.formula.strip()) == bool(self.conditions):
            raise ValueError("formula 和 conditions 只能且必须给一个||give either formula or conditions")
        return self


class CalculateStep(_Strict):
    """Add (or replace) a column computed row by row with a formula (docs/formulas.md)."""

    op: Literal["calculate"]
    name: ColumnName
    formula: str = Field(min_length=1, max_length=4000)
    type: FieldType | None = Field(default=None, description="Convert the result (TRY_CAST); inferred if omitted.")
    label: str | None = None


class AggregateStep(_Strict):
    """Group by some columns and aggregate; the output is the group columns then the aggregates."""

    op: Literal["aggregate"]
    group_by: list[ColumnName] = []
    aggregates: list[AggregateSpec] = Field(min_length=1, max_length=200)


class JoinKey(_Strict):
    left: ColumnName
    right: ColumnName


class JoinField(_Strict):
    name: ColumnName
    as_: ColumnName | None = Field(default=None, alias="as")


class JoinStep(_Strict):
    """Join another table or dataset. fields: the other side's columns to bring (default: all but
    same-named keys); a name already taken gets the suffix _<source name>."""

    op: Literal["join"]
    how: Literal["left", "inner", "right", "full"] = "left"
    with_: SourceRef = Field(alias="with")
    on: list[JoinKey] = Field(min_length=1, max_length=16)
    fields: list[JoinField] | None = None

    @field_validator("fields", mode="before")
    @classmethod
    def _names(cls, v: Any) -> Any:
        return [{"name": x} if isinstance(x, str) else x for x in v] if isinstance(v, list) else v


class UnionStep(_Strict):
    """Append the rows of another table or dataset, matching columns by name."""

    op: Literal["union"]
    with_: SourceRef = Field(alias="with")
    distinct: bool = Field(default=False, description="Drop duplicate rows (UNION instead of UNION ALL).")
    fill_missing: bool = Field(default=False, description="Columns the other side lacks become NULL.")


class SortStep(_Strict):
    op: Literal["sort"]
    by: list[SortKey] = Field(min_length=1, max_length=32)
    limit: int | None = Field(default=None, ge=1, le=100_000_000, description="Keep only the first rows.")


class RenameStep(_Strict):
    """Rename columns {old: new} and/or set their labels {name after renaming: label}."""

    op: Literal["rename"]
    columns: dict[ColumnName, ColumnName] = {}
    labels: dict[ColumnName, str] = {}

    @model_validator(mode="after")
    def _some(self) -> RenameStep:
        if not self.columns and not self.labels:
            raise ValueError("请给出要重命名的 columns 或要设置的 labels||give columns to rename or labels to set")
        return self


class RetypeStep(_Strict):
    """Change column types {name: type}; values that do not convert become NULL (TRY_CAST)."""

    op: Literal["retype"]
    columns: dict[ColumnName, FieldType] = Field(min_length=1)


class PivotValue(_Strict):
    value: Scalar
    name: ColumnName | None = Field(default=None, description="Output column name; default: the value as text.")


class PivotStep(_Strict):
    """行转列: one output column per listed value of `column`, holding agg(field) of the rows with
    that value, grouped by `index`. The values are part of the step (a static column list)."""

    op: Literal["pivot"]
    index: list[ColumnName] = []
    column: ColumnName
    values: list[PivotValue] | None = Field(default=None, max_length=MAX_PIVOT_VALUES,
                                            description="Omit to fill from the data when saving.")
    agg: Aggregation = "sum"
    field: ColumnName | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _scalars(cls, v: Any) -> Any:
        return [x if isinstance(x, dict) else {"value": x} for x in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _field(self) -> PivotStep:
        if self.field is None and self.agg != "count":
            raise ValueError(f"聚合方式 {self.agg} 需要指定 field||agg {self.agg} needs a field")
        if self.values is not None and not self.values:
            raise ValueError("values 不能为空（省略时保存时从数据中读取）||values must not be empty (omit it to fill from the data)")
        return self


class UnpivotStep(_Strict):
    """列转行: each listed column becomes a row (name_column = its name, value_column = its value)."""

    op: Literal["unpivot"]
    columns: list[ColumnName] = Field(min_length=1, max_length=500)
    name_column: ColumnName = "attribute"
    value_column: ColumnName = "value"
    drop_nulls: bool = False


class DeduplicateStep(_Strict):
    """Keep one row per distinct `fields` (all columns when empty); order_by chooses which row."""

    op: Literal["deduplicate"]
    fields: list[ColumnName] = []
    order_by: list[SortKey] = []


Step = Annotated[
    SelectStep | FilterStep | CalculateStep | AggregateStep | JoinStep | UnionStep | SortStep | RenameStep
    | RetypeStep | PivotStep | UnpivotStep | DeduplicateStep,
    Field(discriminator="op"),
]
OPS = ("select", "filter", "calculate", "aggregate", "join", "union", "sort", "rename", "retype", "pivot",
       "unpivot", "deduplicate")
OP_LABELS: dict[str, tuple[str, str]] = {
    "select": ("选择字段", "select"), "filter": ("筛选", "filter"), "calculate": ("计算列", "calculate"),
    "aggregate": ("分组汇总", "aggregate"), "join": ("关联", "join"), "union": ("追加合并", "union"),
    "sort": ("排序", "sort"), "rename": ("重命名", "rename"), "retype": ("修改类型", "retype"),
    "pivot": ("行转列", "pivot"), "unpivot": ("列转行", "unpivot"), "deduplicate": ("去重", "deduplicate"),
}


class DatasetSpec(_Strict):
    """A self-service dataset: a source and ordered steps; virtual (a view compiled into queries) or
    materialized (written to the warehouse table ds_<name> and refreshed after its parents)."""

    name: Name
    label: str | None = Field(default=None, max_length=200)
    label_en: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    source: SourceRef
    steps: list[Step] = Field(default=[], max_length=MAX_STEPS)
    mode: Literal["virtual", "materialized"] = "virtual"

    def references(self) -> list[SourceRef]:
        """The source and every joined or unioned table/dataset, in order, without repeats."""
        out: dict[str, SourceRef] = {self.source.key: self.source}
        for s in self.steps:
            if isinstance(s, JoinStep | UnionStep):
                out.setdefault(s.with_.key, s.with_)
        return list(out.values())

    @property
    def table_name(self) -> str:
        """The warehouse table of a materialized dataset."""
        return f"ds_{self.name}"


def step_prefix(k: int, op: str | None) -> tuple[str, str]:
    """'第 3 步（筛选）：' / 'Step 3 (filter): ' for 1-based step k."""
    zh, en = OP_LABELS.get(op or "", ("", ""))
    return (f"第 {k} 步（{zh}）：" if zh else f"第 {k} 步：", f"Step {k} ({en}): " if en else f"Step {k}: ")


def parse_dataset(data: Any) -> DatasetSpec:
    """Validate a dataset definition (dict); shape errors become ShuzhiError 400 dataset_invalid."""
    if isinstance(data, DatasetSpec):
        return data
    if not isinstance(data, dict):
        raise ShuzhiError("dataset_invalid", "数据集定义必须是一个对象（name、source、steps …）。",
                          "A dataset definition must be an object (name, source, steps …).")
    steps = data.get("steps")
    if isinstance(steps, list):
        for i, s in enumerate(steps, 1):
            op = s.get("op") if isinstance(s, dict) else None
            if op not in OPS:
                zh, en = step_prefix(i, None)
                raise ShuzhiError("dataset_step_invalid", f"{zh}未知的步骤类型 {op!r}，可选：{'、'.join(OPS)}。",
                                  f"{en}unknown step op {op!r}; choose one of {', '.join(OPS)}.",
                                  details={"step": i, "op": op})
    try:
        return DatasetSpec.model_validate(data)
    except ValidationError as exc:
        raise _shape_error(exc, steps if isinstance(steps, list) else []) from None


_ZH_PROBLEMS = {
    "missing": "缺少必填项", "extra_forbidden": "不认识的项（拼写错误？）", "literal_error": "取值不在允许范围内",
    "string_pattern_mismatch": "格式不对", "string_type": "应为文本", "int_type": "应为整数",
    "int_parsing": "应为整数", "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表", "dict_type": "应为对象", "model_type": "应为对象", "too_short": "太短或为空",
    "too_long": "太长或太多", "string_too_long": "太长", "string_too_short": "太短", "greater_than_equal": "太小",
    "less_than_equal": "太大", "union_tag_invalid": "步骤类型不对", "union_tag_not_found": "缺少 op",
}


def _messages(e: dict[str, Any]) -> tuple[str, str]:
    msg = str(e.get("msg", "")).removeprefix("Value error, ")
    if "||" in msg:
        zh, en = msg.split("||", 1)
        return zh, en
    zh = _ZH_PROBLEMS.get(str(e.get("type")), "取值无效")
    return f"{zh}（{msg}）", msg


def _shape_error(exc: ValidationError, steps: list[Any]) -> ShuzhiError:
    e = exc.errors()[0]
    loc = list(e.get("loc", ()))
    mzh, men = _messages(e)
    more = len(exc.errors()) - 1
    more_zh, more_en = (f"（另有 {more} 处问题）", f" (and {more} more)") if more else ("", "")
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        k = loc[1] + 1
        op = steps[loc[1]].get("op") if loc[1] < len(steps) and isinstance(steps[loc[1]], dict) else None
        where = ".".join(str(p) for p in loc[3:])
        zh, en = step_prefix(k, op)
        wz, we = (f"{where}：", f"{where}: ") if where else ("", "")
        return ShuzhiError("dataset_step_invalid", f"{zh}{wz}{mzh}{more_zh}", f"{en}{we}{men}{more_en}",
                           details={"step": k, "op": op, "field": where or None})
    where = ".".join(str(p) for p in loc) or "dataset"
    return ShuzhiError("dataset_invalid", f"数据集定义的 {where} 有误：{mzh}{more_zh}",
                       f"The dataset definition's {where} is invalid: {men}{more_en}", details={"field": where})
