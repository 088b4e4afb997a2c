import { describe, expect, it } from "vitest";
import type { QueryResult } from "../../api/client";
import type { ChartConfig } from "../core/types";
import { pivotLevelSpecs } from "../types/pivot/buildQuery";
import { assemblePivot, rowHeader } from "../types/pivot/transformProps";
import { result } from "./fixtures";

const col = (name: string, role: "dimension" | "metric", format?: string) => ({ name, type: role === "metric" ? "number" : "string", label: name, role, format });
const main: QueryResult = result({
  columns: [col("region", "dimension"), col("line", "dimension"), col("year", "dimension"), col("gm", "metric", "percent")],
  rows: [
    ["华东", "伺服", "2025", 0.3],
    ["华东", "伺服", "2026", 0.32],
    ["华东", "减速机", "2025", 0.2],
    ["华南", "伺服", "2025", 0.4],
  ],
});
// the server's answers for the levels: ratios are recomputed, never summed
const lvl = (cols: string[], rows: (string | number)[][]): QueryResult => result({ columns: [...cols.map((c) => col(c, "dimension")), col("gm", "metric", "percent")], rows });
const levels = new Map<string, QueryResult>([
  ["1|1", lvl(["region", "year"], [["华东", "2025", 0.26], ["华东", "2026", 0.32], ["华南", "2025", 0.4]])],
  ["0|1", lvl(["year"], [["2025", 0.29], ["2026", 0.32]])],
  ["2|0", lvl(["region", "line"], [["华东", "伺服", 0.31], ["华东", "减速机", 0.2], ["华南", "伺服", 0.4]])],
  ["1|0", lvl(["region"], [["华东", 0.28], ["华南", 0.4]])],
  ["0|0", lvl([], [[0.3]])],
]);
const chart: ChartConfig = { type: "pivot", rows: ["region", "line"], columns: ["year"], y: ["gm"] };

describe("pivot", () => {
  it("asks the server for every subtotal and total level, without order or limit", () => {
    const spec = { metrics: ["gm", { name: "gm_yoy", compute: { yoy: "gm" } }], dimensions: ["region", "line", "year"], order_by: [{ field: "gm", desc: true }], limit: 10 };
    const got = pivotLevelSpecs(spec as never, ["region", "line"], ["year"], true, true);
    expect(got.map((g) => g.key).sort()).toEqual(["0|0", "0|1", "1|0", "1|1", "2|0"]);
    const one = got.find((g) => g.key === "1|1")!.spec;
    expect(one.dimensions).toEqual(["region", "year"]);
    expect(one.metrics).toEqual(["gm"]);
    expect(one.limit).toBeUndefined();
    expect(one.order_by).toBeUndefined();
    expect(pivotLevelSpecs(spec as never, ["region", "line"], ["year"], false, true).map((g) => g.key).sort()).toEqual(["0|0", "0|1", "2|0"]);
  });

  it("places subtotal rows after each group and totals last, from the level results", () => {
    const m = assemblePivot(main, chart, levels, { lang: "zh" });
    expect(m.cols.map((c) => [c.kind, c.labels.join("/")])).toEqual([["leaf", "2025"], ["leaf", "2026"], ["total", "合计"]]);
    expect(m.rows.map((r) => [r.kind, r.labels.join("/"), r.cells])).toEqual([
      ["leaf", "华东/伺服", [0.3, 0.32, 0.31]],
      ["leaf", "华东/减速机", [0.2, null, 0.2]],
      ["subtotal", "华东/小计", [0.26, 0.32, 0.28]],
      ["leaf", "华南/伺服", [0.4, null, 0.4]],
      ["subtotal", "华南/小计", [0.4, null, 0.4]],
      ["total", "合计", [0.29, 0.32, 0.3]],
    ]);
    expect(rowHeader(m.rows[1], m.rows[0], 2)).toEqual([{ text: "", span: 1 }, { text: "减速机", span: 1 }]);
    expect(rowHeader(m.rows[2], m.rows[1], 2)).toEqual([{ text: "华东 小计", span: 2 }]);
    expect(rowHeader(m.rows[5], m.rows[4], 2)).toEqual([{ text: "合计", span: 2 }]);
  });

  it("is a plain cross-tab without level results (nothing summed in the browser)", () => {
    const m = assemblePivot(main, chart, new Map(), { lang: "en" });
    expect(m.rows.every((r) => r.kind === "leaf")).toBe(true);
    expect(m.cols.every((c) => c.kind === "leaf")).toBe(true);
  });

  it("keeps the quick calculations that mean the same thing in a total (the server computes them from the totals)", () => {
    const yoy = { name: "revenue_yoy", compute: { yoy: "revenue" } };
    const pop = { name: "revenue_pop", compute: { pop: "revenue" } };
    const share = { name: "revenue_percent_of_total", compute: { percent_of_total: "revenue" } };
    const cum = { name: "revenue_cumulative", compute: { cumulative: "revenue" } };
    const rank = { name: "revenue_rank", compute: { rank: "revenue" } };
    const month = { field: "time", grain: "month" };
    const spec = { metrics: ["revenue", yoy, pop, share, cum, rank], dimensions: [month, "customers.region"], time_range: { field: "time", relative: "this_year" } };
    const got = new Map(pivotLevelSpecs(spec as never, ["time_month"], ["customers.region"], true, true).map((g) => [g.key, g.spec.metrics]));
    expect(got.get("1|0")).toEqual(["revenue", yoy, pop, share, cum]); // per month: no rank among months
    expect(got.get("0|1")).toEqual(["revenue", yoy, pop, share, rank]); // per region over the range: no running total
    expect(got.get("0|0")).toEqual(["revenue", yoy, pop, share]);
    // without a time range a total without the time dimension has no 同比
    const all = new Map(pivotLevelSpecs({ ...spec, time_range: undefined } as never, ["time_month"], ["customers.region"], true, true).map((g) => [g.key, g.spec.metrics]));
    expect(all.get("1|0")).toContainEqual(yoy);
    expect(all.get("0|0")).toEqual(["revenue", share]);
  });

  it("shows 同比 and 占比 in the 合计 row and column from the level results", () => {
    const cols = (names: string[]) => [
      ...names.map((n) => (n === "time_month" ? { name: n, type: "date", role: "dimension" as const } : col(n, "dimension"))),
      col("revenue", "metric", "currency"),
      { ...col("revenue_yoy", "metric", "percent"), compute: "yoy", metric: "revenue" },
      { ...col("revenue_percent_of_total", "metric", "percent"), compute: "percent_of_total", metric: "revenue" },
    ];
    const mainR = result({ columns: cols(["time_month", "region"]), rows: [
      ["2026-01-01", "华东", 60, 0.2, 0.6], ["2026-01-01", "华南", 40, -0.1, 0.4],
      ["2026-02-01", "华东", 30, 0.5, 0.5], ["2026-02-01", "华南", 30, null, 0.5],
    ] });
    const lv = new Map<string, QueryResult>([
      ["1|0", result({ columns: cols(["time_month"]), rows: [["2026-01-01", 100, 0.08, 0.625], ["2026-02-01", 60, 0.3, 0.375]] })],
      ["0|1", result({ columns: cols(["region"]), rows: [["华东", 90, 0.3, 0.5625], ["华南", 70, 0.05, 0.4375]] })],
      ["0|0", result({ columns: cols([]), rows: [[160, 0.15, 1]] })],
    ]);
    const m = assemblePivot(mainR, { type: "pivot", rows: ["time_month"], columns: ["region"], y: ["revenue", "revenue_yoy", "revenue_percent_of_total"] }, lv, { lang: "zh" });
    expect(m.cols.map((c) => c.kind)).toEqual(["leaf", "leaf", "total"]);
    const total = m.rows.find((r) => r.kind === "total")!;
    expect(total.cells).toEqual([90, 0.3, 0.5625, 70, 0.05, 0.4375, 160, 0.15, 1]);
    // the month's 合计 column: its own 同比, and 100 % (each region's share is within the month)
    expect(m.rows[0].cells.slice(6)).toEqual([100, 0.08, 1]);
    expect(m.rows[1].cells.slice(6)).toEqual([60, 0.3, 1]);
  });
});
