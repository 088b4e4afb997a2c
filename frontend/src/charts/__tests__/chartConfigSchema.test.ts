/**
 * Every chart config the analysis page can produce fits the server's one ChartConfig schema (model/charts.py,
 * read from openapi.json), so 保存到仪表板 accepts it: each chart type's buildQuery over rich shelves, each
 * control at each of its values, and all controls at once. tests/api/test_chart_config.py round-trips
 * the same variants through the dashboard API.
 */
import { describe, expect, it } from "vitest";
import type { FieldRef, Shelves } from "../core/shelves";
import type { ChartConfig, Control } from "../core/types";
import { buildChart } from "../../pages/analysis/builder";
import { CHART_TYPES } from "../registry";
import { problems } from "./schema";

const m = (name: string, format: string): FieldRef => ({ kind: "metric", name, label: name, format });
const d = (name: string): FieldRef => ({ kind: "dimension", name, label: name });
const rich: Shelves = {
  dims: [{ field: d("customers.region") }, { field: d("products.product_line") }],
  series: [{ field: d("customers.city") }],
  metrics: [{ field: m("revenue", "currency") }, { field: m("gross_margin", "percent") }, { field: m("revenue", "currency"), compute: "percent_of_total" }],
  color: { field: d("customers.channel") },
  size: { field: m("order_count", "integer") },
  tooltip: [{ field: m("cogs", "currency") }],
  filters: [], range: "this_year", sort: "desc", limit: 20,
};
const overTime: Shelves = { ...rich, dims: [{ field: { kind: "time", name: "time", label: "时间" }, grain: "month" }], color: null };
const byProvince: Shelves = { ...rich, dims: [{ field: d("customers.province") }], series: [], color: null, size: null };
const one: Shelves = { ...rich, dims: [], series: [], color: null, size: null, tooltip: [] };

/** The values the page offers for a control. */
function values(c: Control): unknown[] {
  if (c.options) return c.options.map((o) => o.value);
  if (c.kind === "switch") return [true, false];
  if (c.kind === "number") return [100, 0.5];
  if (c.kind === "refLines") return [[{ kind: "target", value: 100 }, { kind: "warning", value: 0.05, label: "警戒" }], []];
  if (c.kind === "cond") return [[{ column: "*", mode: "databar" }, { column: "revenue", mode: "scale" }, { column: "gross_margin", mode: "above", value: 0.3 }, { column: "revenue", mode: "below", value: 10 }]];
  return [];
}

export function pageVariants(): ChartConfig[] {
  const out: ChartConfig[] = [];
  for (const t of CHART_TYPES)
    for (const s of [rich, overTime, byProvince, one])
      for (const long of [false, true]) {
        out.push(buildChart(s, t.key, {}, long).chart);
        const all: Record<string, unknown> = {};
        for (const c of t.controls)
          for (const v of values(c)) {
            out.push(buildChart(s, t.key, { [c.key]: v }, long).chart);
            all[c.key] = v;
          }
        out.push(buildChart(s, t.key, all, long).chart);
      }
  return out;
}

describe("chart configs of the analysis page", () => {
  it("all fit the server's ChartConfig schema (what 保存到仪表板 stores)", () => {
    const variants = pageVariants();
    expect(variants.length).toBeGreaterThan(200);
    const bad = variants.flatMap((v) => problems(JSON.parse(JSON.stringify(v)), { $ref: "#/components/schemas/ChartConfig" }).map((p) => `${v.type}: ${p}`));
    expect([...new Set(bad)]).toEqual([]);
    for (const key of ["stack", "numberFormat", "refLines", "cond", "pageSize", "rows", "columns", "subtotals", "totals", "max", "size", "color", "tooltip"])
      expect(variants.some((v) => v[key as keyof ChartConfig] !== undefined), key).toBe(true);
    expect(new Set(variants.map((v) => v.stack))).toEqual(new Set([undefined, "none", "stacked", "percent"]));
  });

  it("the checker refuses what the server refuses", () => {
    const ref = { $ref: "#/components/schemas/ChartConfig" };
    expect(problems({ type: "bar", stack: true }, ref)).not.toEqual([]);
    expect(problems({ type: "bar", nosuch: 1 }, ref)).not.toEqual([]);
    expect(problems({ type: "sunburst" }, ref)).not.toEqual([]);
    expect(problems({ type: "bar", stack: "percent", refLines: [{ kind: "target", value: 1 }] }, ref)).toEqual([]);
  });
});
