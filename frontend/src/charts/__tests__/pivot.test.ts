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
});
