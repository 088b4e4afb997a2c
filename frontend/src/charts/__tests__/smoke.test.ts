import { describe, expect, it } from "vitest";
import type { QueryResult } from "../../api/client";
import { summarizeSpec } from "../core/shelves";
import type { EChartsProps } from "../core/types";
import { CHART_TYPES } from "../registry";
import { result } from "./fixtures";

// three dimensions' worth of shapes; each type gets the one it fits
const twoDims: QueryResult = result({
  columns: [
    { name: "customers.region", type: "string", label: "大区", role: "dimension" },
    { name: "product_line", type: "string", label: "产品线", role: "dimension" },
    { name: "revenue", type: "number", label: "销售额", role: "metric", format: "currency" },
    { name: "order_count", type: "integer", label: "订单数", role: "metric", format: "integer" },
    { name: "customer_count", type: "integer", label: "客户数", role: "metric", format: "integer" },
    { name: "gross_margin", type: "number", label: "毛利率", role: "metric", format: "percent" },
  ],
  rows: [
    ["华东", "伺服电机", 5e7, 300, 40, 0.31],
    ["华东", "减速机", 3e7, 200, 30, 0.28],
    ["华南", "伺服电机", 2e7, 150, 20, 0.33],
    ["华北", "减速机", 1e7, 90, 12, 0.25],
  ],
});
const single: QueryResult = result({ columns: twoDims.columns.slice(2), rows: [[1.1e8, 740, 102, 0.3]] });
const province: QueryResult = result({ columns: [{ name: "customers.province", type: "string", role: "dimension" }, twoDims.columns[2]], rows: [["江苏省", 3e7], ["广东省", 2e7]] });

describe("every chart type transforms a result it fits", () => {
  for (const t of CHART_TYPES) {
    it(t.key, () => {
      const result = t.key === "map" ? province : t.key === "kpi" || t.key === "gauge" ? single : twoDims;
      const chart = { type: t.key, x: result.columns[0].name, series: t.key === "heatmap" || t.key === "treemap" ? "product_line" : undefined, y: ["revenue", "order_count", "customer_count"], tooltip: ["gross_margin"] };
      const out = t.transformProps(result, chart, { lang: "zh" });
      expect(out).toBeTruthy();
      if (t.render === "echarts") {
        const raw = (out as EChartsProps).option as { series: unknown[]; baseOption?: { series: unknown[] } };
        const o = raw.baseOption ?? raw; // a responsive option (media queries) keeps its series in baseOption
        expect(o.series.length).toBeGreaterThan(0);
        // option objects must survive JSON (no cycles): ECharts clones them
        expect(() => JSON.stringify(o)).not.toThrow();
      }
    });
  }

  it("summarizes a spec from a dashboard or an answer like the shelves", () => {
    const s = summarizeSpec({ metrics: ["revenue", { name: "r_share", compute: { percent_of_total: "revenue" } }], dimensions: ["customers.province"] }, { revenue: "currency" }, 31);
    expect(s).toMatchObject({ otherDims: 1, timeDims: 0, province: true, metrics: 1, computes: ["percent_of_total"], formats: ["currency"] });
  });

  it("shows the 提示 shelf's metrics in bar tooltips", () => {
    const bar = CHART_TYPES.find((t) => t.key === "bar")!;
    const { option } = bar.transformProps(twoDims, { type: "bar", x: "customers.region", y: ["revenue"], tooltip: ["gross_margin"] }, { lang: "zh" }) as EChartsProps;
    const fmt = (option as { tooltip: { formatter: (p: unknown) => string } }).tooltip.formatter;
    const html = fmt([{ axisValueLabel: "华东", seriesName: "销售额", seriesIndex: 0, dataIndex: 0, value: 5e7, marker: "" }]);
    expect(html).toContain("毛利率");
    expect(html).toContain("31%");
  });
});
