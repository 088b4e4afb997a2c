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
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
ComponentKind = Literal["chart", "kpi", "text", "image", "filter"]
ControlKind = Literal["dropdown", "multi_select", "date_range", "numeric_range", "tree"]
Theme = Literal["light", "dark", "screen"]
ChartType = Literal["line", "bar", "pie", "map", "combo", "table", "area", "scatter", "funnel", "gauge",
                    "heatmap", "treemap", "radar", "kpi"]
GRID_COLUMNS = 24


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
            raise ValueError(f"x + w must be at most {GRID_COLUMNS}")
        return self


class ChartConfig(BaseModel):
    """How a result is drawn: the chart recommendation shape of the web app (ResultView's `chart`)."""

    model_config = ConfigDict(extra="allow")
    type: ChartType
    x: str | None = None
    y: list[str] | None = None
    series: str | None = None
    horizontal: bool | None = None
    donut: bool | None = None
    stack: bool | None = None


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
        if k in ("chart", "kpi") and not self.spec:
            raise ValueError(f"a {k} component needs a spec")
        if k == "chart" and self.chart is None:
            raise ValueError("a chart component needs a chart config")
        if k == "kpi":
            metrics = (self.spec or {}).get("metrics") or []
            if len(metrics) != 1 or not isinstance(metrics[0], str):
                raise ValueError("a kpi component's spec has exactly one metric, by name")
            if (self.spec or {}).get("dimensions"):
                raise ValueError("a kpi component's spec has no dimensions")
            self.kpi = self.kpi or KpiConfig()
        if k == "filter" and self.filter is None:
            raise ValueError("a filter component needs a filter config")
        if k == "text" and not (self.text or self.text_en):
            raise ValueError("a text component needs text")
        if k == "image":
            src = self.image or ""
            if not src.startswith(("https://", "http://", "/", "data:image/")) or src.startswith("//"):
                raise ValueError("an image is an http(s) URL, a /path on this server or a data:image URI")
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
        ids = [c.id for c in self.components]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate component id: {', '.join(dup)}")
        data_ids = {c.id for c in self.components if c.kind in ("chart", "kpi")}
        for c in self.components:
            if c.filter is not None and c.filter.scope != "all":
                unknown = [s for s in c.filter.scope if s not in data_ids]
                if unknown:
                    raise ValueError(f"filter {c.id}: scope names no chart or kpi: {', '.join(unknown)}")
        return self

    def component(self, cid: str) -> Component | None:
        return next((c for c in self.components if c.id == cid), None)

    def filters(self) -> list[Component]:
        return [c for c in self.components if c.kind == "filter"]

    def in_scope(self, flt: Component, cid: str) -> bool:
        assert flt.filter is not None
        return flt.filter.scope == "all" or cid in flt.filter.scope
