import { describe, expect, it } from "vitest";
import { anomalyOption, type AnomaliesOut } from "../anomalyChart";

const base: AnomaliesOut = {
  metric: "defect_rate", label: "不良率", grain: "month", unit: null, series_checked: 2, format: "percent", by: "production_orders.plant",
  periods: ["2025-10-01", "2025-11-01", "2025-12-01"], labels: ["2025-10", "2025-11", "2025-12"],
  series: [
    { key: "常州工厂", values: [0.012, 0.013, 0.042], expected: [0.012, 0.013, 0.014], lower: [0.008, 0.009, 0.009], upper: [0.016, 0.017, 0.019] },
    { key: "苏州工厂", values: [0.008, 0.007, 0.007] },
  ],
  anomalies: [{ series: "常州工厂", period: "2025-12-01", label: "2025-12", value: 0.042, expected: 0.014, lower: 0.009, upper: 0.019, z: 5.2,
    direction: "up", change: 2, pop: 2.2, yoy: null, method: "seasonal_loo", severity: "high", description_zh: "2025-12，常州工厂 的不良率为 4.20%", description_en: "In 2025-12, Defect Rate for 常州工厂 was 4.20%" }],
  notes: [],
};
const labels = { expected: "预期区间", anomaly: "异常" };
type Opt = { series: { id: string; data: unknown[] }[]; legend: { data: string[] }; tooltip: { formatter: (p: unknown) => string } };

describe("anomalyOption", () => {
  it("marks each anomaly at its period with its description, one line per member", () => {
    const opt = anomalyOption(base, "zh", String, labels) as Opt;
    expect(opt.series.map((s) => s.id)).toEqual(["h:常州工厂", "h:苏州工厂", "anomalies"]);
    expect((opt.series[2] as unknown as { type: string }).type).toBe("scatter"); // registered in charts/echarts.ts
    const marks = opt.series[2].data as { value: [number, number]; description: string }[];
    expect(marks).toHaveLength(1);
    expect(marks[0].value).toEqual([2, 0.042]);
    expect(opt.tooltip.formatter({ seriesId: "anomalies", dataIndex: 0, data: marks[0], seriesName: "异常" })).toContain("常州工厂");
    expect(opt.legend.data).toEqual(["常州工厂", "苏州工厂", "异常"]);
  });
  it("draws the expected range of a single series as a band", () => {
    const one = { ...base, by: null, series: [{ ...base.series[0], key: null }], anomalies: [{ ...base.anomalies[0], series: null }] };
    const opt = anomalyOption(one, "en", String, labels) as Opt;
    expect(opt.series.map((s) => s.id)).toEqual(["lo", "band", "h:", "anomalies"]);
    expect(opt.series[1].data[2]).toBeCloseTo(0.01);
    expect((opt.series[3].data[0] as { description: string }).description).toContain("Defect Rate");
  });
});
