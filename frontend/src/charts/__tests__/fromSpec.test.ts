import { describe, expect, it } from "vitest";
import { fromSpec, type Resolve } from "../core/fromSpec";
import { toSpec, type Shelves } from "../core/shelves";

const resolve: Resolve = (name, kind) =>
  kind === "metric"
    ? ["revenue", "gross_margin"].includes(name) ? { kind: "metric", name, label: name } : null
    : ["customers.region", "products.product_line"].includes(name) ? { kind: "dimension", name, label: name, type: "string" } : null;

describe("fromSpec: a saved chart back onto the shelves", () => {
  it("round-trips what the analysis page writes", () => {
    const s: Shelves = {
      dims: [{ field: { kind: "dimension", name: "customers.region", label: "customers.region", type: "string" } }],
      series: [{ field: { kind: "dimension", name: "products.product_line", label: "products.product_line", type: "string" } }],
      metrics: [{ field: { kind: "metric", name: "revenue", label: "revenue" }, compute: "yoy" }],
      color: null, size: null, tooltip: [],
      filters: [{ field: { kind: "dimension", name: "customers.region", label: "customers.region", type: "string" }, values: ["华东"] }],
      range: "this_year", sort: "desc", limit: 5,
    };
    const back = fromSpec(toSpec(s), { type: "bar", series: "products.product_line", stack: "stacked" }, resolve);
    expect(back.unsupported).toEqual([]);
    expect(back.type).toBe("bar");
    expect(back.options).toEqual({ stack: "stacked" });
    expect(back.shelves.metrics).toEqual(s.metrics);
    expect(back.shelves.dims.map((d) => d.field.name)).toEqual(["customers.region"]);
    expect(back.shelves.series?.map((d) => d.field.name)).toEqual(["products.product_line"]);
    expect(back.shelves.filters[0].values).toEqual(["华东"]);
    expect([back.shelves.range, back.shelves.sort, back.shelves.limit]).toEqual(["this_year", "desc", 5]);
  });
  it("time dimensions keep their grain; no range means all dates", () => {
    const back = fromSpec({ metrics: ["revenue"], dimensions: [{ field: "time", grain: "month" }] }, { type: "line" }, resolve);
    expect(back.shelves.dims).toMatchObject([{ field: { name: "time" }, grain: "month" }]);
    expect(back.shelves.range).toBe("all");
  });
  it("says what it cannot express instead of dropping it", () => {
    const back = fromSpec({
      metrics: ["revenue", "nope"],
      time_range: { field: "sales_orders.ship_date", start: "2025-01-01", end: "2025-06-30" },
      where: [{ field: "customers.region", op: "!=", value: "华东" }],
      having: [{ field: "revenue", op: ">", value: 1 }],
    } as never, { type: "bar" }, resolve);
    expect(back.unsupported).toHaveLength(4);
    expect(back.shelves.metrics.map((m) => m.field.name)).toEqual(["revenue"]);
  });
});
