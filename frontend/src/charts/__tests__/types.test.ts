import { describe, expect, it } from "vitest";
import type { QueryResult } from "../../api/client";
import { fmtAxis, fmtValue } from "../core/columns";
import { foldSmall } from "../core/items";
import { niceMax } from "../types/gauge/transformProps";
import { funnelStages } from "../types/funnel/transformProps";
import { transformProps as kpi } from "../types/kpi/transformProps";
import { radarModel } from "../types/radar/transformProps";
import { bubbleSize } from "../types/scatter/transformProps";
import { cellStyle, transformProps as table } from "../types/table/transformProps";
import { toTree } from "../types/treemap/transformProps";
import { waterfallSteps } from "../types/waterfall/transformProps";
import { byRegion, result } from "./fixtures";

describe("number formats (Chinese habit)", () => {
  it("uses 万/亿, ¥ and %", () => {
    expect(fmtValue(125_000_000, "currency", "zh")).toBe("¥1.25亿");
    expect(fmtValue(125_000, "wan", "zh")).toBe("12.5万");
    expect(fmtValue(250_000_000, "yi", "zh")).toBe("2.5亿");
    expect(fmtValue(0.153, "percent", "zh")).toBe("15.3%");
    expect(fmtAxis(50_000_000, "currency", "zh")).toBe("5,000万");
    expect(fmtAxis(30_000, "wan", "zh")).toBe("3万");
  });
});

describe("one-dimension types", () => {
  it("folds small pie slices into 其他", () => {
    const items = Array.from({ length: 15 }, (_, i) => ({ name: `p${i}`, raw: `p${i}`, value: 15 - i, rowIndex: i }));
    const out = foldSmall(items, 12, "zh");
    expect(out).toHaveLength(12);
    expect(out[11]).toMatchObject({ name: "其他", value: 4 + 3 + 2 + 1 });
  });
  it("funnel stages come from metrics when there is no dimension, largest first otherwise", () => {
    const r: QueryResult = result({ columns: [{ name: "closed", type: "integer", role: "metric", label: "关闭商机" }, { name: "won", type: "integer", role: "metric", label: "赢单" }], rows: [[120, 45]] });
    expect(funnelStages(r, { type: "funnel" }, { lang: "zh" }).stages.map((s) => [s.name, s.value])).toEqual([["关闭商机", 120], ["赢单", 45]]);
    expect(funnelStages(byRegion, { type: "funnel" }, { lang: "zh" }).stages.map((s) => s.name)).toEqual(["华东", "华南", "华北"]);
  });
  it("treemap parents sum their children and drop non-positive values", () => {
    const r: QueryResult = result({
      columns: [{ name: "line", type: "string", role: "dimension" }, { name: "product", type: "string", role: "dimension" }, { name: "revenue", type: "number", role: "metric" }],
      rows: [["伺服", "A", 5], ["伺服", "B", 3], ["减速机", "C", 10], ["减速机", "D", -1]],
    });
    const tree = toTree(r, { type: "treemap", x: "line", series: "product" }, { lang: "zh" });
    expect(tree.map((n) => [n.name, n.value, n.children!.length])).toEqual([["减速机", 10, 1], ["伺服", 8, 2]]);
  });
});

describe("single-number types", () => {
  it("KPI shows the yoy arrow input and target attainment", () => {
    const r: QueryResult = result({ columns: [{ name: "revenue", type: "number", role: "metric", format: "currency", label: "销售额" }, { name: "revenue_yoy", type: "number", role: "metric", compute: "yoy" }], rows: [[80, 0.12]] });
    const p = kpi(r, { type: "kpi", refLines: [{ kind: "target", value: 100 }] }, { lang: "zh" });
    expect(p).toMatchObject({ label: "销售额", value: 80, compare: { kind: "yoy", value: 0.12 }, target: { value: 100, attainment: 0.8 } });
  });
  it("gauge scales end on round numbers", () => {
    expect(niceMax(0.83, true)).toBe(1);
    expect(niceMax(8_300_000, false)).toBe(10_000_000);
    expect(niceMax(130, false)).toBe(150);
  });
  it("bubble area grows with the value", () => {
    expect(bubbleSize(100, 100)).toBe(44);
    expect(bubbleSize(25, 100)).toBe(26);
    expect(bubbleSize(null, 100)).toBe(8);
  });
});

describe("waterfall and radar", () => {
  it("floats each step on the running total and closes with the total", () => {
    expect(waterfallSteps([10, -4, 6])).toEqual([
      { base: 0, up: 10, down: null, total: null, value: 10 },
      { base: 6, up: null, down: 4, total: null, value: -4 },
      { base: 6, up: 6, down: null, total: null, value: 6 },
      { base: 0, up: null, down: null, total: 12, value: 12 },
    ]);
  });
  it("radar: 3+ metrics are the axes, each with its own scale", () => {
    const r: QueryResult = result({
      columns: [{ name: "plant", type: "string", role: "dimension" }, { name: "a", type: "number", role: "metric" }, { name: "b", type: "number", role: "metric", format: "percent" }, { name: "c", type: "number", role: "metric" }],
      rows: [["苏州", 100, 0.9, 5], ["常州", 50, 0.8, 10]],
    });
    const m = radarModel(r, { type: "radar" }, { lang: "zh" });
    [110, 0.99, 11].forEach((v, i) => expect(m.indicators[i].max).toBeCloseTo(v, 6));
    expect(m.polygons.map((p) => p.name)).toEqual(["苏州", "常州"]);
  });
});

describe("table conditional formatting", () => {
  it("data bars scale to the column's max; growth is red up, green down", () => {
    const p = table(byRegion, { type: "table", cond: [{ column: "revenue", mode: "databar" }, { column: "gross_margin", mode: "below", value: 0.27 }] }, { lang: "zh" });
    const rev = p.columns[1];
    expect(cellStyle(125_000_000, rev)!.background).toContain("100.0%");
    expect(cellStyle(41_000_000, rev)!.background).toContain("32.8%");
    const gm = p.columns[2];
    expect(cellStyle(0.25, gm)).toMatchObject({ color: "#389e0d" });
    expect(cellStyle(0.31, gm)).toBeUndefined();
    expect(cellStyle(0.1, { ...gm, rules: [], growth: true })).toMatchObject({ color: "#f53f3f" });
  });
});
