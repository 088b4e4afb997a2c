/**
 * The chart matrix (matrix.ts): each cell's chart config fits the server's schema, the cell's type fits its
 * shelves, and reopening the saved chart in the analysis page (fromSpec → the same type's buildChart) gives
 * back the same spec and chart config. tests/web/chart_matrix.json, which the browser test saves to a
 * dashboard, is what the page builds today (SHUZHI_UPDATE_GOLDEN=1 rewrites it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildChart } from "../../pages/analysis/builder";
import { canonical, fromSpec, resolverOf } from "../core/fromSpec";
import { summarize } from "../core/shelves";
import { CHART_KEYS, fitMap } from "../registry";
import { CELLS, FIELDS, built, matrixJson } from "./matrix";
import { problems } from "./schema";

const FILE = join(__dirname, "..", "..", "..", "..", "tests", "web", "chart_matrix.json");

describe("the chart matrix", () => {
  it("covers all 16 chart types", () => {
    expect(new Set(CELLS.map((c) => c.type))).toEqual(new Set(CHART_KEYS));
    expect(new Set(CELLS.map((c) => c.id)).size).toBe(CELLS.length);
  });

  it("tests/web/chart_matrix.json is what the page builds", () => {
    const want = matrixJson();
    if (process.env.SHUZHI_UPDATE_GOLDEN === "1") writeFileSync(FILE, want);
    expect(readFileSync(FILE, "utf-8")).toBe(want);
  });

  it.each(CELLS.map((c) => [c.id, c] as const))("%s: fits the server's schema and its shelves", (_, c) => {
    const { chart } = built(c);
    expect(problems(JSON.parse(JSON.stringify(chart)), { $ref: "#/components/schemas/ChartConfig" })).toEqual([]);
    expect(fitMap(summarize(c.shelves))[c.type]).toBe(true);
  });

  it.each(CELLS.map((c) => [c.id, c] as const))("%s: reopens in the analysis page as saved", (_, c) => {
    const saved = JSON.parse(JSON.stringify(built(c)));
    const back = fromSpec(saved.spec, saved.chart, resolverOf(FIELDS));
    expect(back.unsupported).toEqual([]);
    expect(back.type).toBe(c.type);
    const again = buildChart(back.shelves, back.type as typeof c.type, back.options, false);
    expect(canonical(again)).toEqual(canonical(saved));
  });
});
