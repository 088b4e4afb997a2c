import { describe, expect, it } from "vitest";
import { summarize, toSpec, type FieldRef, type Shelves } from "../core/shelves";
import { CHART_TYPES, chartType, fitMap, recommend } from "../registry";

const revenue: FieldRef = { kind: "metric", name: "revenue", label: "销售额", format: "currency" };
const margin: FieldRef = { kind: "metric", name: "gross_margin", label: "毛利率", format: "percent" };
const orders: FieldRef = { kind: "metric", name: "order_count", label: "订单数", format: "integer" };
const region: FieldRef = { kind: "dimension", name: "customers.region", label: "大区" };
const province: FieldRef = { kind: "dimension", name: "customers.province", label: "省份" };
const line: FieldRef = { kind: "dimension", name: "products.product_line", label: "产品线" };
const time: FieldRef = { kind: "time", name: "time", label: "时间" };
const empty: Shelves = { dims: [], series: [], metrics: [], filters: [], range: "this_year", sort: "none", limit: null };

describe("registry", () => {
  it("has one folder per type with every file role", () => {
    expect(CHART_TYPES.map((t) => t.key).sort()).toEqual(
      ["area", "bar", "combo", "funnel", "gauge", "heatmap", "kpi", "line", "map", "pie", "pivot", "radar", "scatter", "table", "treemap", "waterfall"],
    );
    for (const t of CHART_TYPES) {
      expect(t.name.zh && t.name.en && t.needs.zh && t.icon).toBeTruthy();
      expect(typeof t.buildQuery).toBe("function");
      expect(typeof t.transformProps).toBe("function");
      expect(Array.isArray(t.controls)).toBe(true);
    }
    expect(chartType("no-such-type").key).toBe("table");
  });

  it("mirrors the server's recommender (shuzhi.ai.nl.chart)", () => {
    const s = (x: Partial<Shelves>, extra = {}) => recommend(summarize({ ...empty, ...x }, extra));
    expect(s({ metrics: [{ field: revenue }] })).toBe("kpi");
    expect(s({ metrics: [{ field: revenue }], dims: [{ field: time, grain: "month" }] })).toBe("line");
    expect(s({ metrics: [{ field: revenue }, { field: margin }], dims: [{ field: time, grain: "month" }] })).toBe("combo");
    expect(s({ metrics: [{ field: revenue }], dims: [{ field: province }] })).toBe("map");
    expect(s({ metrics: [{ field: revenue }, { field: revenue, compute: "percent_of_total" }], dims: [{ field: line }] }, { rowCount: 5 })).toBe("pie");
    expect(s({ metrics: [{ field: revenue }, { field: revenue, compute: "percent_of_total" }], dims: [{ field: line }] }, { rowCount: 9 })).toBe("bar");
    expect(s({ metrics: [{ field: revenue }, { field: orders }], dims: [{ field: region }] })).toBe("combo");
    expect(s({ metrics: [{ field: revenue }], dims: [{ field: region }, { field: line }, { field: province }] })).toBe("table");
    expect(s({ metrics: [{ field: revenue }], dims: [{ field: region }] })).toBe("bar");
  });

  it("greys out what cannot show the shelves", () => {
    const f = fitMap(summarize({ ...empty, metrics: [{ field: margin }], dims: [{ field: region }] }));
    expect(f.pie).toBe(false); // a ratio does not add up to a whole
    expect(f.waterfall).toBe(false);
    expect(f.kpi).toBe(false);
    expect(f.map).toBe(false);
    expect(f.bar && f.table && f.pivot && f.radar).toBe(true);
    const g = fitMap(summarize({ ...empty, metrics: [{ field: revenue }] }));
    expect(g.kpi && g.gauge && g.table).toBe(true);
    expect(g.bar || g.line || g.heatmap).toBe(false);
    const h = fitMap(summarize({ ...empty, metrics: [{ field: revenue }, { field: orders }], dims: [{ field: region }], size: { field: margin } }));
    expect(h.scatter).toBe(true);
  });

  it("puts every shelf into one QuerySpec", () => {
    const spec = toSpec({ ...empty, dims: [{ field: time, grain: "quarter" }], series: [{ field: region }], metrics: [{ field: revenue, compute: "yoy" }], size: { field: orders }, tooltip: [{ field: margin }], sort: "desc", limit: 5 });
    expect(spec.dimensions).toEqual([{ field: "time", grain: "quarter" }, "customers.region"]);
    expect(spec.metrics).toEqual(["revenue", { name: "revenue_yoy", compute: { yoy: "revenue" } }, "order_count", "gross_margin"]);
    expect(spec.order_by).toEqual([{ field: "revenue", desc: true }]);
    expect(spec.limit).toBe(5);
  });

  it("each type's buildQuery names the columns it draws", () => {
    const sh: Shelves = { ...empty, dims: [{ field: region }], series: [{ field: line }], metrics: [{ field: revenue }] };
    expect(chartType("bar").buildQuery(sh).chart).toMatchObject({ type: "bar", x: "customers.region", series: "products.product_line", y: ["revenue"] });
    expect(chartType("pivot").buildQuery(sh).chart).toMatchObject({ rows: ["customers.region"], columns: ["products.product_line"] });
    expect(chartType("funnel").buildQuery({ ...sh, series: [] }).spec.order_by).toEqual([{ field: "revenue", desc: true }]);
  });
});
