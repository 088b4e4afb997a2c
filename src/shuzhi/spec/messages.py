"""Chinese for the QuerySpec's validation problems, so parse_spec's errors are bilingual.

The English text is pydantic's (or our validators' own, in query_spec.py); each known pattern gets its
Chinese here. An unknown one keeps its English inside the Chinese sentence rather than being lost.
"""

from __future__ import annotations

import re
from typing import Any

# Our own validators' messages (query_spec.py), matched whole.
_OWN: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"a query needs at least one metric or dimension", "查询至少需要一个指标或维度"),
    (r"filters may be nested at most (\d+) levels deep", r"筛选条件最多嵌套 \1 层"),
    (r"at most (\d+) filter conditions and and/or/not nodes in all", r"筛选条件（含 and/or/not）合计最多 \1 个"),
    (r"compute takes exactly one of (.+)", r"compute 只能取以下之一：\1"),
    (r"op (\S+) needs a non-empty 'values' list", r"运算符 \1 需要非空的 values 列表"),
    (r"op between needs 'values': \[low, high\]", "运算符 between 需要 values: [下限, 上限]"),
    (r"op (\S+) needs a single 'value'", r"运算符 \1 需要一个 value"),
    (r"op (\S+) needs a text 'value'", r"运算符 \1 需要文本 value"),
    (r"use either relative or start/end", "time_range 只能用 relative 或 start/end 之一"),
    (r"time_range needs start and/or end, or relative", "time_range 需要 start/end 或 relative"),
    (r"time_range start is after end", "time_range 的开始日期晚于结束日期"),
    (r"unknown time zone (.+) \(use an IANA name such as Asia/Shanghai\)", r"未知时区 \1（请用 IANA 名称，如 Asia/Shanghai）"),
    (r"aggregate needs a field", "aggregate 需要指定 field（要汇总的字段）"),
    (r"field needs an aggregate \((.+)\)", r"field 需要指定 aggregate（\1）"),
    (r"an item has either compute or field/aggregate, not both", "一个指标项只能有 compute 或 field/aggregate 之一"),
))

# pydantic's own error types.
_TYPES: dict[str, str] = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的字段",
    "string_type": "应当是文本",
    "int_type": "应当是整数",
    "int_parsing": "应当是整数",
    "bool_type": "应当是 true 或 false",
    "list_type": "应当是列表",
    "dict_type": "应当是对象",
    "model_type": "应当是对象",
    "date_from_datetime_parsing": "应当是日期（如 2025-01-31）",
    "date_parsing": "应当是日期（如 2025-01-31）",
    "date_type": "应当是日期（如 2025-01-31）",
    "string_pattern_mismatch": "含有不允许的字符（引号、反引号、分号、反斜杠或控制字符）",
}


def zh_problem(kind: str, msg: str, ctx: dict[str, Any] | None) -> str:
    """The Chinese for one validation problem (type `kind`, English `msg`)."""
    for pat, zh in _OWN:
        if pat.fullmatch(msg):
            return pat.sub(zh, msg)
    ctx = ctx or {}
    if kind == "literal_error" and "expected" in ctx:
        return f"取值无效，可选：{ctx['expected']}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"应当不小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"应当不大于 {ctx.get('le', ctx.get('lt'))}"
    if kind in ("too_long", "string_too_long"):
        return f"过长（最多 {ctx.get('max_length')}）"
    if kind == "too_short":
        return f"过短（至少 {ctx.get('min_length')}）"
    return _TYPES.get(kind, msg)


def name_branch(e: dict[str, Any]) -> bool:
    """A problem of the plain-name branch of a `name | {object}` union ("should be a valid string") that an
    object item also fails: the object branch's problems are the ones that help."""
    loc = e.get("loc", ())
    return e.get("type") == "string_type" and bool(loc) and loc[-1] in ("str", "constrained-str")
