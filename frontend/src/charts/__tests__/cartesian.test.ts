import { describe, expect, it } from "vitest";
import { cartesian, percentStack, toGrid } from "../core/cartesian";
import { byMonthAndLine, byRegion } from "./fixtures";

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
