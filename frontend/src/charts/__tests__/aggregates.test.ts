/**
 * The 指标 pill's aggregation menu and the absolute date range (issue 14): a dataset field dropped on 指标
 * starts with the model's default aggregation, the menu offers only what the model allows, a change renames
 * the output and keeps the quick calculation, and both survive toSpec → fromSpec (save → reopen).
 */
import { describe, expect, it } from "vitest";
import { fromSpec, type Resolve } from "../core/fromSpec";
import { aggOptions, aggPick, setAggregate, toSpec, type FieldRef, type Shelves } from "../core/shelves";

const price: FieldRef = { kind: "measure", name: "sales_orders.unit_price", label: "单价", labelEn: "Unit Price", type: "number",
  aggs: ["sum", "avg", "min", "max", "median", "count", "count_distinct"], defaultAgg: "avg" };
const customer: FieldRef = { kind: "dimension", name: "sales_orders.customer_id", label: "客户ID", type: "integer", aggs: ["count", "count_distinct"], defaultAgg: "count_distinct" };
const region: FieldRef = { kind: "dimension", name: "customers.region", label: "大区", type: "string", aggs: ["count", "count_distinct"], defaultAgg: "count_distinct" };
const pool = [price, customer, region];
const resolve: Resolve = (name, kind) =>
  kind === "metric" ? (name === "revenue" ? { kind: "metric", name, label: "销售额" } : null) : pool.find((f) => f.name === name) ?? null;

const shelves = (over: Partial<Shelves>): Shelves => ({ dims: [{ field: region }], series: [], metrics: [], color: null, size: null, tooltip: [],
  filters: [], range: "this_year", sort: "none", limit: null, ...over });

describe("the 指标 pill's aggregation menu", () => {
  it("starts with the model's default and offers what the model allows", () => {
    const p = aggPick(price);
    expect(p.agg?.aggregate).toBe("avg");
    expect(p.field).toMatchObject({ kind: "metric", name: "sales_orders.unit_price__avg", label: "单价（平均值）", labelEn: "Unit Price (average)" });
    expect(aggOptions(p)).toEqual(price.aggs);
    expect(aggPick(customer).agg?.aggregate).toBe("count_distinct");
    expect(aggOptions(aggPick(customer))).toEqual(["count", "count_distinct"]);
    expect(aggOptions({ field: { kind: "metric", name: "revenue", label: "销售额" } })).toEqual([]);
  });
  it("a change renames the output and keeps the quick calculation; a refused one changes nothing", () => {
    const p = { ...aggPick(price), compute: "yoy" as const };
    const med = setAggregate(p, "median");
    expect(med.field.name).toBe("sales_orders.unit_price__median");
    expect(med.field.label).toBe("单价（中位数）");
    expect(med.compute).toBe("yoy");
    const c = aggPick(customer);
    expect(setAggregate(c, "sum")).toBe(c); // the model allows no sum of ids
  });
  it("becomes ad-hoc QuerySpec items, a comparison naming the item", () => {
    const spec = toSpec(shelves({ metrics: [{ field: { kind: "metric", name: "revenue", label: "销售额" } }, { ...aggPick(price), compute: "yoy" }], sort: "desc" }));
    expect(spec.metrics).toEqual([
      "revenue",
      { name: "sales_orders.unit_price__avg", field: "sales_orders.unit_price", aggregate: "avg" },
      { name: "sales_orders.unit_price__avg_yoy", compute: { yoy: "sales_orders.unit_price__avg" } },
    ]);
    expect(spec.order_by).toEqual([{ field: "revenue", desc: true }]);
  });
  it("round-trips through a saved chart", () => {
    const s = shelves({ metrics: [{ ...aggPick(price, "max"), compute: "percent_of_total" }, aggPick(customer)] });
    const back = fromSpec(toSpec(s), { type: "bar" }, resolve);
    expect(back.unsupported).toEqual([]);
    expect(back.shelves.metrics).toEqual(s.metrics);
  });
});

describe("absolute date ranges", () => {
  it("write start and end on time, either end open, and reopen as the same dates", () => {
    for (const dates of [{ start: "2025-01-01", end: "2025-06-30" }, { start: "2025-01-01", end: null }, { start: null, end: "2025-06-30" }]) {
      const s = shelves({ metrics: [{ field: { kind: "metric", name: "revenue", label: "销售额" } }], range: "custom", dates });
      const spec = toSpec(s);
      expect(spec.time_range).toEqual({ field: "time", ...(dates.start ? { start: dates.start } : {}), ...(dates.end ? { end: dates.end } : {}) });
      const back = fromSpec(spec, { type: "bar" }, resolve);
      expect(back.unsupported).toEqual([]);
      expect([back.shelves.range, back.shelves.dates]).toEqual(["custom", dates]);
    }
  });
  it("custom without dates means all dates; a preset stays relative", () => {
    expect(toSpec(shelves({ range: "custom", dates: null })).time_range).toBeUndefined();
    expect(toSpec(shelves({ range: "last_quarter" })).time_range).toEqual({ field: "time", relative: "last_quarter" });
  });
});
