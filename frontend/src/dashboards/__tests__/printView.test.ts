import { describe, expect, it } from "vitest";
import { filterValueText, filtersLine, renderReady } from "../printView";
import type { Component } from "../types";

const range = (r: string) => ({ this_year: "今年" })[r] ?? r;

describe("print mode", () => {
  it("says each kind of filter value in words", () => {
    expect(filterValueText(["华东", "华南"], range)).toBe("华东、华南");
    expect(filterValueText("常州工厂", range)).toBe("常州工厂");
    expect(filterValueText({ relative: "this_year" }, range)).toBe("今年");
    expect(filterValueText({ start: "2025-01-01", end: "2025-06-30" }, range)).toBe("2025-01-01 ~ 2025-06-30");
    expect(filterValueText([10, null], range)).toBe("10 – …");
    expect(filterValueText([["华东", "江苏"]], range)).toBe("华东 / 江苏");
    expect(filterValueText(null, range)).toBeNull();
    expect(filterValueText([], range)).toBeNull();
  });

  it("joins the filters that have a value", () => {
    const f = (id: string, title: string) => ({ id, kind: "filter", title, pos: { x: 0, y: 0, w: 1, h: 1 } }) as unknown as Component;
    const values: Record<string, unknown> = { region: ["华东"], period: { relative: "this_year" }, plant: null };
    const line = filtersLine([f("period", "期间"), f("region", "大区"), f("plant", "工厂")], (c) => values[c.id], (c) => c.title ?? c.id, range);
    expect(line).toBe("期间：今年；大区：华东");
  });

  it("is ready only when every chart has drawn and nothing is loading", () => {
    // a stand-in for the page's DOM (vitest runs in node here)
    const chart = { attr: null as string | null, getAttribute: () => chart.attr };
    let loading = false;
    const root = {
      querySelectorAll: (sel: string) => (sel === ".echarts-for-react" ? [chart] : []),
      querySelector: () => (loading ? {} : null),
    } as unknown as ParentNode;
    expect(renderReady(root)).toBe(false);
    chart.attr = "1";
    expect(renderReady(root)).toBe(true);
    loading = true;
    expect(renderReady(root)).toBe(false);
  });
});
