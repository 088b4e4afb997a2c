import { describe, expect, it } from "vitest";
import { cartesian, percentStack, toGrid } from "../core/cartesian";
import { byMonthAndLine, byRegion, result } from "./fixtures";

describe("toGrid", () => {
  it("sorts time categories and splits the first metric by the series dimension", () => {
    const g = toGrid(byMonthAndLine, { type: "bar", x: "time_month", series: "product_line", y: ["revenue"] }, "zh");
    expect(g.labels).toEqual(["2026年1月", "2026年2月"]);
    expect(g.series.map((s) => [s.name, s.values])).toEqual([
      ["伺服电机", [10, 30]],
      ["减速机", [20, 10]],
    ]);
  });
  it("puts a percent metric next to a money metric on the second axis", () => {
    const g = toGrid(byRegion, { type: "bar", x: "customers.region", y: ["revenue", "gross_margin"] }, "zh");
    expect(g.series.map((s) => s.second)).toEqual([false, true]);
    expect(g.series[0].fmt).toBe("currency");
  });
});

describe("stacking", () => {
  it("100 % stacking divides by the category total", () => {
    expect(percentStack([[1, 3, null], [3, 1, 0]])).toEqual([[0.25, 0.75, null], [0.75, 0.25, 0]]);
  });
  it("stacked bars share one stack and a percent axis capped at 1", () => {
    const { option } = cartesian(byMonthAndLine, { type: "bar", x: "time_month", series: "product_line", stack: "percent" }, { lang: "zh" }, "bar");
    const o = option as { series: { stack?: string; data: number[] }[]; yAxis: { max?: number }[] };
    expect(o.series.every((s) => s.stack === "total")).toBe(true);
    expect(o.series[0].data).toEqual([10 / 30, 30 / 40]);
    expect(o.yAxis[0].max).toBe(1);
  });
});

describe("reference lines and clicks", () => {
  it("adds 目标线/警戒线 as a markLine formatted like the axis", () => {
    const { option } = cartesian(byRegion, { type: "bar", x: "customers.region", y: ["revenue"], refLines: [{ kind: "target", value: 100_000_000 }] }, { lang: "zh" }, "bar");
    const ml = (option as { series: { markLine?: { data: { yAxis: number; label: { formatter: string } }[] } }[] }).series[0].markLine!;
    expect(ml.data[0].yAxis).toBe(100_000_000);
    expect(ml.data[0].label.formatter).toBe("目标 ¥1亿");
  });
  it("maps a click on a horizontal bar back to its row", () => {
    const { click } = cartesian(byRegion, { type: "bar", x: "customers.region", y: ["revenue"], horizontal: true }, { lang: "zh" }, "bar");
    // horizontal bars list categories bottom-up: index 0 is the last row
    expect(click!({ dataIndex: 0, seriesIndex: 0 })).toMatchObject({ field: "customers.region", value: "华北", row: { revenue: 41_000_000 } });
  });
  it("reports the series member of a clicked grouped bar", () => {
    const { click } = cartesian(byMonthAndLine, { type: "bar", x: "time_month", series: "product_line" }, { lang: "zh" }, "bar");
    expect(click!({ dataIndex: 1, seriesIndex: 1 })).toMatchObject({ value: "2026-02-01", series: { field: "product_line", value: "减速机" }, row: { revenue: 10 } });
  });
});

describe("labels", () => {
  it("time columns read 月份 / Month whatever the server labels them", async () => {
    const { columnLabel } = await import("../core/columns");
    const c = { name: "time_month", type: "date", label: "月份", role: "dimension" as const };
    expect(columnLabel(c, "zh")).toBe("月份");
    expect(columnLabel(c, "en")).not.toBe("time_month");
  });
});

describe("quick calculations on split charts (同比/环比/占比 stay visible)", () => {
  const withYoy = result({
    columns: [
      { name: "time_month", type: "date", role: "dimension" },
      { name: "product_line", type: "string", label: "产品线", role: "dimension" },
      { name: "revenue", type: "number", label: "销售额", role: "metric", format: "currency" },
      { name: "revenue_yoy", type: "number", label: "销售额同比", role: "metric", format: "percent", compute: "yoy", metric: "revenue" },
    ],
    rows: [
      ["2026-01-01", "伺服电机", 10, 0.1],
      ["2026-01-01", "减速机", 20, -0.2],
      ["2026-02-01", "伺服电机", 30, 0.5],
      ["2026-02-01", "减速机", 10, null],
    ],
  });
  const chart = { type: "bar" as const, x: "time_month", series: "product_line", y: ["revenue", "revenue_yoy"], line_y2: ["revenue_yoy"] };

  it("adds one second-axis line per member for each quick calculation", () => {
    const g = toGrid(withYoy, chart, "zh", true);
    expect(g.series.map((s) => [s.name, s.values, s.second, s.companionOf])).toEqual([
      ["伺服电机", [10, 30], false, undefined],
      ["减速机", [20, 10], false, undefined],
      ["伺服电机 同比", [0.1, 0.5], true, 0],
      ["减速机 同比", [-0.2, null], true, 1],
    ]);
    expect(g.series[2].fmt).toBe("percent");
    // heatmap and radar read the grid without companions
    expect(toGrid(withYoy, chart, "zh").series).toHaveLength(2);
  });

  for (const stack of ["stacked", "percent", "none"] as const) {
    it(`draws them on a ${stack} bar: bars stacked on the first axis, dashed lines in the member's colour on the second`, () => {
      const { option } = cartesian(withYoy, { ...chart, stack }, { lang: "zh" }, "bar");
      const o = option as { series: { type: string; stack?: string; yAxisIndex: number; data: (number | null)[]; itemStyle: { color: string }; lineStyle?: { type: string } }[]; yAxis: object[] };
      expect(o.series.map((s) => [s.type, s.yAxisIndex, s.stack ?? null])).toEqual([
        ["bar", 0, stack === "none" ? null : "total"],
        ["bar", 0, stack === "none" ? null : "total"],
        ["line", 1, null],
        ["line", 1, null],
      ]);
      expect(o.yAxis).toHaveLength(2);
      expect(o.series[2].itemStyle.color).toBe(o.series[0].itemStyle.color);
      expect(o.series[3].itemStyle.color).toBe(o.series[1].itemStyle.color);
      expect(o.series[2].lineStyle?.type).toBe("dashed");
      expect(o.series[2].data).toEqual([0.1, 0.5]); // raw growth rates, also under 100 % stacking
      if (stack === "percent") expect(o.series[0].data).toEqual([10 / 30, 30 / 40]);
    });
  }

  it("a horizontal bar puts the quick calculation on a second value axis too", () => {
    const { option } = cartesian(withYoy, { ...chart, x: "product_line", series: undefined, horizontal: true }, { lang: "zh" }, "bar");
    const o = option as { xAxis: object[]; series: { xAxisIndex?: number; type: string }[] };
    expect(o.xAxis).toHaveLength(2);
    expect(o.series.map((s) => [s.type, s.xAxisIndex])).toEqual([["bar", 0], ["line", 1]]);
  });

  it("a line or area chart split by a series gets the dashed lines without area fill", () => {
    const { option } = cartesian(withYoy, { ...chart, type: "area", stack: "stacked" }, { lang: "zh" }, "area");
    const o = option as { series: { areaStyle?: object; stack?: string; yAxisIndex: number }[] };
    expect(o.series.map((s) => [!!s.areaStyle, s.stack ?? null, s.yAxisIndex])).toEqual([[true, "total", 0], [true, "total", 0], [false, null, 1], [false, null, 1]]);
  });

  it("占比 on a split bar labels each member's bars with its share (and shows it in the tooltip)", () => {
    const share = result({
      columns: [
        { name: "customers.region", type: "string", label: "大区", role: "dimension" },
        { name: "product_line", type: "string", label: "产品线", role: "dimension" },
        { name: "revenue", type: "number", label: "销售额", role: "metric", format: "currency" },
        { name: "revenue_percent_of_total", type: "number", label: "销售额占比", role: "metric", format: "percent", compute: "percent_of_total", metric: "revenue" },
      ],
      rows: [["华东", "伺服电机", 30, 0.3], ["华东", "减速机", 50, 0.5], ["华南", "伺服电机", 20, 0.2]],
    });
    const c = { type: "bar" as const, x: "customers.region", series: "product_line", y: ["revenue", "revenue_percent_of_total"], line_y2: ["revenue_percent_of_total"], stack: "stacked" as const };
    const { option } = cartesian(share, c, { lang: "zh" }, "bar");
    const o = option as { series: { name: string; type: string; label?: { show: boolean; formatter: (p: { value: number | null; dataIndex: number }) => string } }[]; tooltip: { formatter: (p: unknown) => string } };
    expect(o.series.map((s) => [s.name, s.type])).toEqual([["伺服电机", "bar"], ["减速机", "bar"]]);
    expect(o.series[0].label?.formatter({ value: 30, dataIndex: 0 })).toBe("30%");
    expect(o.series[1].label?.formatter({ value: null, dataIndex: 1 })).toBe("");
    const tip = o.tooltip.formatter([{ axisValueLabel: "华东", seriesName: "伺服电机", seriesIndex: 0, dataIndex: 0, value: 30, marker: "" }]);
    expect(tip).toContain("（30%）");
    // with data labels on: the value and the share
    const on = cartesian(share, { ...c, labels: true }, { lang: "zh" }, "bar").option as typeof o;
    expect(on.series[0].label?.formatter({ value: 30, dataIndex: 0 })).toMatch(/^¥30 · 30%$/);
    // lines and areas keep the share as a line on the second axis
    const area = cartesian(share, { ...c, type: "area" }, { lang: "zh" }, "area").option as typeof o;
    expect(area.series.map((s) => s.name)).toEqual(["伺服电机", "减速机", "伺服电机 占比", "减速机 占比"]);
  });
});
