"""A dashboard's definition (pydantic, pure): layout, components, filters, theme.

A dashboard is a grid of 24 columns. Each component has a kind:

- chart: a QuerySpec (`spec`) and a chart config (`chart`: type line|bar|pie|map|combo|table|…,
  x, y, series…) — the same shape the analysis page and the NL answers use;
- kpi: a QuerySpec with one metric (`spec`) and `kpi` options (同比 / 环比 arrows, a sparkline);
- text: `text` / `text_en` (plain text, paragraphs separated by blank lines);
- image: `image` (an https:// URL, a /path on this server, or a data:image/… URI) and `alt`;
- filter: `filter` (a field, a control kind, a default and the scope of components it applies to).

Specs are stored as JSON objects here (the model layer sits below the spec layer); they are checked
as QuerySpecs and against the semantic model when a dashboard is saved (catalog.dashboards).

Invariants (checked by DashboardDef):
- component ids are unique slugs; a filter's scope names only chart or kpi components;
- chart and kpi components have a spec, filters have a filter config, text has text, image an image;
- a link (jump to another dashboard) names a dashboard slug.

A definition of the wrong shape is refused by `parse_dashboard_def` (and the API's POST/PUT) with one
bilingual ShuzhiError "dashboard_invalid" (422): each problem names the component (by id, else by
position), the field path and what is wrong, in Chinese and English; up to MAX_PROBLEMS are listed
and details.problems holds them as data. Every rule raises a typed PydanticCustomError so that its
message can be said in both languages.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from shuzhi.errors import ShuzhiError
from shuzhi.model.charts import ChartConfig

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
ComponentKind = Literal["chart", "kpi", "text", "image", "filter"]
ControlKind = Literal["dropdown", "multi_select", "date_range", "numeric_range", "tree"]
Theme = Literal["light", "dark", "screen"]
GRID_COLUMNS = 24
MAX_PROBLEMS = 5


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GridPos(_Strict):
    """Position on the 24-column grid; y and h count rows of 40 px."""

    x: int = Field(ge=0, lt=GRID_COLUMNS)
    y: int = Field(ge=0, le=10_000)
    w: int = Field(ge=1, le=GRID_COLUMNS)
    h: int = Field(ge=1, le=100)

    @model_validator(mode="after")
    def _inside(self) -> GridPos:
        if self.x + self.w > GRID_COLUMNS:
            raise PydanticCustomError("grid_overflow", "x + w = {end} is past the {columns}-column grid",
                                      {"end": self.x + self.w, "columns": GRID_COLUMNS})
        return self


class KpiConfig(_Strict):
    compare: list[Literal["yoy", "pop"]] = Field(default=["yoy", "pop"], description="同比 / 环比 arrows.")
    sparkline: bool = True
    spark_grain: Literal["day", "week", "month", "quarter"] = "month"
    higher_is_better: bool = True


class LinkConfig(_Strict):
    """Jump to another dashboard when a chart element is clicked (with the current filters)."""

    dashboard: Slug
    pass_filters: bool = True
    label: str | None = Field(default=None, max_length=100)
    label_en: str | None = Field(default=None, max_length=100)


class FilterConfig(_Strict):
    field: str = Field(max_length=200, description="dataset.field, a unique field name, 'time', or a metric "
                       "(numeric_range only: a HAVING on that metric).")
    control: ControlKind
    label: str | None = Field(default=None, max_length=100)
    label_en: str | None = Field(default=None, max_length=100)
    default: Any = Field(default=None, description="dropdown: a value; multi_select / tree: a list; "
                         "date_range: {relative} or {start, end}; numeric_range: [low, high].")
    scope: list[str] | Literal["all"] = Field(default="all", description="Component ids it applies to.")
    hierarchy: str | None = Field(default=None, description="tree: the model hierarchy to pick from.")
    presets: list[str] | None = Field(default=None, description="date_range: relative presets offered.")


class Component(_Strict):
    id: Slug
    kind: ComponentKind
    title: str | None = Field(default=None, max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    pos: GridPos
    spec: dict[str, Any] | None = None
    chart: ChartConfig | None = None
    kpi: KpiConfig | None = None
    text: str | None = Field(default=None, max_length=20_000)
    text_en: str | None = Field(default=None, max_length=20_000)
    image: str | None = Field(default=None, max_length=2_000_000)
    alt: str | None = Field(default=None, max_length=200)
    filter: FilterConfig | None = None
    drill: str | None = Field(default=None, description="Hierarchy to drill along (default: the one whose "
                              "level the chart's first dimension is).")
    link: LinkConfig | None = None
    cross_filter: bool = Field(default=True, description="Clicking an element filters the other components.")

    @model_validator(mode="after")
    def _by_kind(self) -> Component:
        k = self.kind

        def bad(rule: str) -> PydanticCustomError:
            return PydanticCustomError(rule, _RULES[rule][1], {"kind": k, "kind_zh": _KIND_ZH[k]})

        if k in ("chart", "kpi") and not self.spec:
            raise bad("needs_spec")
        if k == "chart" and self.chart is None:
            raise bad("needs_chart")
        if k == "kpi":
            metrics = (self.spec or {}).get("metrics") or []
            if len(metrics) != 1 or not isinstance(metrics[0], str):
                raise bad("kpi_one_metric")
            if (self.spec or {}).get("dimensions"):
                raise bad("kpi_no_dimensions")
            self.kpi = self.kpi or KpiConfig()
        if k == "filter" and self.filter is None:
            raise bad("needs_filter")
        if k == "text" and not (self.text or self.text_en):
            raise bad("needs_text")
        if k == "image":
            src = self.image or ""
            if not src.startswith(("https://", "http://", "/", "data:image/")) or src.startswith("//"):
                raise bad("bad_image")
        return self


class DashboardDef(_Strict):
    """The editable part of a dashboard (what `shuzhi dashboard apply` reads and the editor saves)."""

    name: Slug = Field(description="Stable slug used in URLs and links.")
    title: str = Field(min_length=1, max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2_000)
    description_en: str | None = Field(default=None, max_length=2_000)
    theme: Theme = "light"
    components: list[Component] = Field(default=[], max_length=60)
    shared_roles: list[Literal["admin", "editor", "viewer"]] = Field(default=[])
    refresh_seconds: int | None = Field(default=None, ge=30, le=86_400)

    @model_validator(mode="after")
    def _references(self) -> DashboardDef:
        refs = [(c.id, c.kind, c.filter.scope if c.filter is not None else "all") for c in self.components]
        for rule, ctx in _reference_problems(refs):
            raise PydanticCustomError(rule, _RULES[rule][1], ctx)
        return self

    def component(self, cid: str) -> Component | None:
        return next((c for c in self.components if c.id == cid), None)

    def filters(self) -> list[Component]:
        return [c for c in self.components if c.kind == "filter"]

    def in_scope(self, flt: Component, cid: str) -> bool:
        assert flt.filter is not None
        return flt.filter.scope == "all" or cid in flt.filter.scope


# ---- saying what is wrong with a definition, in both languages -------------------------------------

# This module's own rules: error type → (zh, en) templates over the error's ctx.
_RULES: dict[str, tuple[str, str]] = {
    "grid_overflow": ("x + w = {end}，超出了 {columns} 列的网格", "x + w = {end} is past the {columns}-column grid"),
    "needs_spec": ("{kind_zh}（{kind}）组件需要查询（spec）", "a {kind} component needs a spec (its query)"),
    "needs_chart": ("图表组件需要图表设置（chart，至少有 type）", "a chart component needs a chart config (chart, with a type)"),
    "kpi_one_metric": ("指标卡的查询（spec.metrics）只能有一个按名称给出的指标",
                       "a kpi component's spec has exactly one metric (spec.metrics), by name"),
    "kpi_no_dimensions": ("指标卡的查询不能有维度（spec.dimensions）", "a kpi component's spec has no dimensions"),
    "needs_filter": ("筛选器组件需要筛选设置（filter，至少有 field 和 control）",
                     "a filter component needs a filter config (filter, with field and control)"),
    "needs_text": ("文本组件需要文字（text 或 text_en）", "a text component needs text (text or text_en)"),
    "bad_image": ("图片只能是 http(s) 网址、本服务器上的 /路径 或 data:image URI",
                  "an image is an http(s) URL, a /path on this server or a data:image URI"),
    "duplicate_id": ("组件 id「{id}」重复（第 {nums_zh} 个组件都用了它）",
                     "the component id '{id}' is used more than once (components {nums_en})"),
    "unknown_scope": ("作用范围（scope）中的 {unknown} 不是本仪表板的图表或指标卡",
                      "the scope names {unknown}, which is no chart or kpi component of this dashboard"),
}
_REFERENCE_RULES = ("duplicate_id", "unknown_scope")
_KIND_ZH = {"chart": "图表", "kpi": "指标卡", "text": "文本", "image": "图片", "filter": "筛选器"}

# pydantic's error types → (zh, en) templates over its ctx and the offending {input}.
_PYDANTIC: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填项", "is required"),
    "extra_forbidden": ("不是可用的字段（拼写错误？）", "is not a known field (a typo?)"),
    "literal_error": ("只能是 {expected}，不能是 {input}", "must be {expected}, not {input}"),
    "string_pattern_mismatch": ("只能用小写字母、数字、_ 和 -，以字母或数字开头，最长 63 个字符（收到 {input}）",
                                "use lower-case letters, digits, _ and -, starting with a letter or digit, at most "
                                "63 characters (got {input})"),
    "string_too_short": ("至少要有 {min_length} 个字符", "needs at least {min_length} characters"),
    "string_too_long": ("最多 {max_length} 个字符", "has at most {max_length} characters"),
    "too_long": ("最多 {max_length} 项（收到 {actual_length} 项）", "has at most {max_length} items (got {actual_length})"),
    "too_short": ("至少要有 {min_length} 项", "needs at least {min_length} items"),
    "greater_than_equal": ("应当 ≥ {ge}（收到 {input}）", "must be at least {ge} (got {input})"),
    "less_than_equal": ("应当 ≤ {le}（收到 {input}）", "must be at most {le} (got {input})"),
    "greater_than": ("应当 > {gt}（收到 {input}）", "must be greater than {gt} (got {input})"),
    "less_than": ("应当 < {lt}（收到 {input}）", "must be less than {lt} (got {input})"),
    "int_type": ("应当是整数（收到 {input}）", "must be a whole number (got {input})"),
    "int_parsing": ("应当是整数（收到 {input}）", "must be a whole number (got {input})"),
    "int_from_float": ("应当是整数（收到 {input}）", "must be a whole number (got {input})"),
    "string_type": ("应当是文本（收到 {input}）", "must be text (got {input})"),
    "bool_type": ("应当是 true 或 false（收到 {input}）", "must be true or false (got {input})"),
    "bool_parsing": ("应当是 true 或 false（收到 {input}）", "must be true or false (got {input})"),
    "dict_type": ("应当是一个对象（键: 值）", "must be an object (key: value)"),
    "model_type": ("应当是一个对象（键: 值）", "must be an object (key: value)"),
    "model_attributes_type": ("应当是一个对象（键: 值）", "must be an object (key: value)"),
    "list_type": ("应当是列表（收到 {input}）", "must be a list (got {input})"),
}
# Fields that accept one of several shapes: one message for all the shapes' errors.
_UNIONS: dict[str, tuple[str, str]] = {
    "scope": ('应当是组件 id 的列表，或 "all"', 'must be a list of component ids, or "all"'),
}


def _show(v: Any) -> str:
    import json

    try:
        text = json.dumps(v, ensure_ascii=False, default=str)
    except ValueError:
        text = repr(v)
    return text if len(text) <= 40 else text[:39] + "…"


def _fill(template: str, ctx: dict[str, Any], lang: str) -> str:
    def one(v: Any) -> str:
        if isinstance(v, list | tuple):
            return ("、" if lang == "zh" else ", ").join(str(x) for x in v)
        return str(v).replace(" or ", " 或 ") if lang == "zh" else str(v)

    return template.format_map({k: one(v) for k, v in ctx.items()})


def _reference_problems(refs: list[tuple[Any, Any, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(rule, ctx) for repeated ids and filter scopes naming no chart/kpi; refs = (id, kind, scope) per
    component, taken from validated components or from raw input (so they are reported with shape errors;
    a component with a bad id or kind raises no second, consequential problem here)."""
    ids = [r[0] for r in refs]
    out: list[tuple[str, dict[str, Any]]] = []
    for cid in sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1}):
        nums = [n + 1 for n, i in enumerate(ids) if i == cid]
        out.append(("duplicate_id", {"id": cid, "index": ids.index(cid), "positions": nums,
                                     "nums_zh": "、".join(map(str, nums)), "nums_en": ", ".join(f"#{n}" for n in nums)}))
    if not all(isinstance(i, str) for i in ids):
        return out  # a component without a usable id: whether a scope names it cannot be told
    data_ids = {r[0] for r in refs if r[1] in ("chart", "kpi") or r[1] not in _KIND_ZH}  # bad kinds: said already
    for n, (_, _, scope) in enumerate(refs):
        if isinstance(scope, list):
            unknown = [s for s in scope if isinstance(s, str) and s not in data_ids]
            if unknown:
                out.append(("unknown_scope", {"index": n, "unknown": unknown}))
    return out


def _where(data: Any, loc: tuple[Any, ...]) -> tuple[str | None, int | None, str]:
    """(component id, 1-based position, the field path inside it) for a loc under components.N."""
    if len(loc) >= 2 and loc[0] == "components" and isinstance(loc[1], int):
        comps = data.get("components") if isinstance(data, dict) else None
        raw = comps[loc[1]] if isinstance(comps, list) and loc[1] < len(comps) else None
        cid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        return cid, loc[1] + 1, ".".join(str(p) for p in loc[2:])
    return None, None, ".".join(str(p) for p in loc)


def _problem(data: Any, loc: tuple[Any, ...], zh: str, en: str) -> dict[str, Any]:
    cid, position, field = _where(data, loc)
    if position is not None:
        who_zh = f"组件「{cid}」（第 {position} 个）" if cid else f"第 {position} 个组件"
        who_en = f"component '{cid}' (#{position})" if cid else f"component #{position}"
        text_zh = f"{who_zh}的 {field}：{zh}" if field else f"{who_zh}：{zh}"
        text_en = f"{who_en}, {field}: {en}" if field else f"{who_en}: {en}"
    elif field:
        text_zh, text_en = f"{field}：{zh}", f"{field}: {en}"
    else:
        text_zh, text_en = f"仪表板定义{zh}", f"the definition {en}"
    return {"path": ".".join(str(p) for p in loc), "component": cid, "position": position, "zh": text_zh,
            "en": text_en}


def definition_problems(data: Any, errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every problem of a definition, from pydantic's errors (loc relative to the definition) plus the
    cross-component checks run on the raw input: [{path, component, position, zh, en}]."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for e in errors:
        typ, ctx = e.get("type", ""), dict(e.get("ctx") or {})
        if typ in _REFERENCE_RULES:
            continue  # said below, from the raw input
        loc = tuple(e.get("loc", ()))
        tag = next((i for i, p in enumerate(loc) if isinstance(p, str) and any(ch in p for ch in "[]'(")), None)
        if tag is not None:  # one shape of a union failed: one message for the field
            loc = loc[:tag]
            if loc in seen:
                continue
            zh, en = _UNIONS.get(str(loc[-1]) if loc else "", ("取值的类型不对", "has the wrong type"))
        elif typ in _RULES:
            zh, en = (_fill(t, ctx, lang) for t, lang in zip(_RULES[typ], ("zh", "en"), strict=True))
        else:
            ctx.setdefault("input", _show(e.get("input")))
            zh_t, en_t = _PYDANTIC.get(typ, ("取值无效（{msg}）", "is invalid ({msg})"))
            if typ == "string_too_short" and ctx.get("min_length") == 1:
                zh_t, en_t = "不能为空", "must not be empty"
            ctx.setdefault("msg", e.get("msg", ""))
            zh, en = _fill(zh_t, ctx, "zh"), _fill(en_t, ctx, "en")
        seen.add(loc)
        out.append(_problem(data, loc, zh, en))
    comps = data.get("components") if isinstance(data, dict) else None
    if isinstance(comps, list):
        refs = [(c.get("id"), c.get("kind"), c["filter"].get("scope", "all") if isinstance(c.get("filter"), dict)
                 else "all") if isinstance(c, dict) else (None, None, "all") for c in comps]
        for rule, ctx in _reference_problems(refs):
            field = "id" if rule == "duplicate_id" else "filter.scope"
            zh, en = (_fill(t, ctx, lang) for t, lang in zip(_RULES[rule], ("zh", "en"), strict=True))
            out.append(_problem(data, ("components", ctx["index"], *field.split(".")), zh, en))
    return out


def definition_error(problems: list[dict[str, Any]], source: str = "") -> ShuzhiError:
    """One 422 naming up to MAX_PROBLEMS problems (all of them in details.problems)."""
    problems = problems or [_problem(None, (), "无效", "is invalid")]
    shown, more = problems[:MAX_PROBLEMS], max(len(problems) - MAX_PROBLEMS, 0)
    where = f"{source}：" if source else ""
    zh = f"{where}仪表板定义有误（{len(problems)} 处）：" + "；".join(p["zh"] for p in shown)
    en = (f"{source}: " if source else "") + f"The dashboard definition is invalid ({len(problems)} " \
        f"problem{'s' if len(problems) != 1 else ''}): " + "; ".join(p["en"] for p in shown)
    if more:
        zh += f"；另有 {more} 处未列出"
        en += f"; and {more} more"
    return ShuzhiError("dashboard_invalid", zh + "。", en + ".", 422, details={"problems": problems})


def parse_dashboard_def(data: Any, source: str = "") -> DashboardDef:
    """Validate a definition's shape; a bad one raises definition_error (nothing is half-accepted)."""
    try:
        return DashboardDef.model_validate(data)
    except ValidationError as exc:
        problems = definition_problems(data, [dict(e) for e in exc.errors()])
        raise definition_error(problems, source) from None
