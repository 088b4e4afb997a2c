import { describe, expect, it } from "vitest";
import { breadcrumb, drillDown, drillUp } from "../drill";
import { crossTarget } from "../components/ChartTile";
import { phoneLayout, uniqueId } from "../layout";
import { carryFilters, clearCross, decodeFilters, encodeFilters, requestBody, setFilter, toggleCross, emptyState } from "../linkage";
import type { Component, DrillInfo } from "../types";

describe("cross-filters", () => {
  it("one per source: replace, toggle off, clear", () => {
    let c = toggleCross([], { source: "a", field: "customers.region", value: "华东" });
    c = toggleCross(c, { source: "b", field: "products.product_line", value: "伺服电机" });
    c = toggleCross(c, { source: "a", field: "customers.region", value: "华南" });
    expect(c).toEqual([
      { source: "b", field: "products.product_line", value: "伺服电机" },
      { source: "a", field: "customers.region", value: "华南" },
    ]);
    c = toggleCross(c, { source: "a", field: "customers.region", value: "华南" });
    expect(c.map((x) => x.source)).toEqual(["b"]);
    expect(clearCross(c, "b")).toEqual([]);
    expect(clearCross(c)).toEqual([]);
  });
  it("filter values: empty means cleared (null), body carries everything", () => {
    let s = setFilter(emptyState(), "region", ["华东"]);
    s = setFilter(s, "period", []);
    expect(s.filters).toEqual({ region: ["华东"], period: null });
    expect(requestBody(s, ["x"])).toEqual({ filters: s.filters, cross: [], drill: {}, components: ["x"] });
  });
  it("jumps carry filters on the same field and the clicked value", () => {
    const out = carryFilters(
      { filters: { period: { relative: "last_year" }, region: ["华东"] }, fieldOf: { period: "time", region: "customers.region" } },
      [
        { id: "p", field: "time", control: "date_range" },
        { id: "r", field: "customers.region", control: "dropdown" },
        { id: "c", field: "sales_orders.channel", control: "multi_select" },
      ],
      { field: "customers.region", value: "华南" },
    );
    expect(out).toEqual({ p: { relative: "last_year" }, r: "华南" });
    // a tree filter whose top level is the clicked field gets the one-step path
    expect(carryFilters({ filters: {}, fieldOf: {} }, [{ id: "geo", field: "customers.region", control: "tree" }], { field: "customers.region", value: "华东" })).toEqual({ geo: [["华东"]] });
    expect(decodeFilters(decodeURIComponent(encodeFilters(out)))).toEqual(out);
    expect(decodeFilters("{bad")).toEqual({});
    expect(decodeFilters("[1]")).toEqual({});
  });
});

describe("drill", () => {
  const info: DrillInfo = { hierarchy: "geography", levels: ["customers.region", "customers.province", "customers.city"], level: 0, start: 0, path: [], can_drill: true };
  it("goes down and back up with a breadcrumb", () => {
    const d1 = drillDown({}, "m", info, "华东");
    expect(d1).toEqual({ m: ["华东"] });
    const d2 = drillDown(d1, "m", { ...info, level: 1, path: ["华东"] }, "江苏省");
    expect(d2).toEqual({ m: ["华东", "江苏省"] });
    expect(drillDown(d2, "m", { ...info, level: 2, path: ["华东", "江苏省"], can_drill: false }, "苏州市")).toBe(d2);
    expect(drillUp(d2, "m", 1)).toEqual({ m: ["华东"] });
    expect(drillUp(d2, "m", 0)).toEqual({});
    const crumbs = breadcrumb({ ...info, level: 2, path: ["华东", "江苏省"], can_drill: false }, (f) => (f.endsWith("region") ? "大区" : f), "全部");
    expect(crumbs.map((c) => c.label)).toEqual(["全部大区", "华东", "江苏省"]);
    expect(breadcrumb(info, (f) => f, "全部")).toEqual([]);
  });
});

describe("click targets", () => {
  it("a time axis click filters by the series member", () => {
    expect(crossTarget({ field: "time_month", value: "2025-12-01", row: null, series: { field: "production_orders.plant", value: "常州工厂" } })).toMatchObject({ field: "production_orders.plant", value: "常州工厂" });
    expect(crossTarget({ field: "time_month", value: "2025-12-01", row: null })).toBeNull();
    expect(crossTarget({ field: "customers.region", value: "华东", row: null })).toMatchObject({ field: "customers.region", value: "华东" });
  });
});

describe("phone layout", () => {
  const comp = (id: string, kind: Component["kind"], x: number, y: number, w = 6, h = 4) => ({ id, kind, pos: { x, y, w, h } }) as unknown as Component;
  it("stacks full width in reading order, KPIs in pairs", () => {
    const items = phoneLayout([comp("chart", "chart", 0, 6, 16, 8), comp("k2", "kpi", 6, 2), comp("f", "filter", 0, 0, 8, 2), comp("k1", "kpi", 0, 2), comp("k3", "kpi", 12, 2)]);
    expect(items.map((i) => i.i)).toEqual(["f", "k1", "k2", "k3", "chart"]);
    expect(items.find((i) => i.i === "k2")).toMatchObject({ x: 12, w: 12 });
    expect(items.find((i) => i.i === "chart")).toMatchObject({ x: 0, w: 24 });
    const ys = items.map((i) => i.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
  });
  it("makes unique component ids", () => {
    expect(uniqueId([comp("chart", "chart", 0, 0)], "chart")).toBe("chart_2");
    expect(uniqueId([], "销售额")).toBe("c");
  });
});
