import { describe, expect, it } from "vitest";
import { forecastable, largest, multiForecastOption, type SeriesOut } from "../forecastChart";

const tx = ((k: string) => k) as never;
const month = { field: "time", grain: "month" as const, name: "time_month" };

describe("forecastable", () => {
  it("takes one metric over one time dimension, and at most one split", () => {
    expect(forecastable({ metrics: ["revenue"], dimensions: [month] } as never)).toEqual({ metric: "revenue", grain: "month" });
    expect(forecastable({ metrics: ["defect_rate"], dimensions: [month, "production_orders.plant"] } as never))
      .toEqual({ metric: "defect_rate", grain: "month", by: "production_orders.plant" });
    expect(forecastable({ metrics: ["revenue"], dimensions: [{ field: "customers.region" }, month] } as never)?.by).toBe("customers.region");
  });
  it("refuses what is not one time series per member", () => {
    expect(forecastable({ metrics: ["revenue", "gross_margin"], dimensions: [month] } as never)).toBeNull();
    expect(forecastable({ metrics: ["revenue"], dimensions: ["customers.region"] } as never)).toBeNull();
    expect(forecastable({ metrics: ["revenue"], dimensions: [month, "customers.region", "products.product_line"] } as never)).toBeNull();
    expect(forecastable({ metrics: [{ name: "revenue", compute: "yoy" }], dimensions: [month] } as never)).toBeNull();
  });
});

const pt = (label: string, value: number) => ({ period: label, label, value });
const fpt = (label: string, value: number) => ({ ...pt(label, value), lower80: value - 1, upper80: value + 1, lower95: value - 2, upper95: value + 2 });
const series = (key: string, base: number, withForecast = true): SeriesOut => ({
  key, model: withForecast ? "AutoETS" : null, backtest: null, candidates: {}, notes: [],
  history: [pt("2026-08", base), pt("2026-09", base + 1), pt("2026-10", base + 2)],
  forecast: withForecast ? [fpt("2026-11", base + 3), fpt("2026-12", base + 4)] : [],
});

describe("multiForecastOption", () => {
  it("draws each member's history, dashed forecast and (for few members) its 80% band under one legend name", () => {
    const opt = multiForecastOption([series("常州工厂", 10), series("苏州工厂", 20)], tx, String) as {
      xAxis: { data: string[] }; legend: { data: string[] }; series: { id: string; name: string; data: unknown[] }[];
    };
    expect(opt.xAxis.data).toEqual(["2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]);
    expect(opt.legend.data).toEqual(["常州工厂", "苏州工厂"]);
    expect(opt.series.map((s) => s.id)).toEqual(["h:常州工厂", "f:常州工厂", "lo:常州工厂", "w:常州工厂", "h:苏州工厂", "f:苏州工厂", "lo:苏州工厂", "w:苏州工厂"]);
    expect(opt.series[1].data).toEqual(["-", "-", 12, 13, 14]); // the dashed line starts at the last actual
    expect(opt.series[3].data).toEqual(["-", "-", "-", 2, 2]); // band width upper80 - lower80
  });
  it("leaves bands out for many members and copes with a member too short to forecast", () => {
    const ss = [series("a", 1, false), series("b", 2), series("c", 3), series("d", 4)];
    const opt = multiForecastOption(ss, tx, String) as { xAxis: { data: string[] }; series: { id: string; data: unknown[] }[] };
    expect(opt.xAxis.data).toHaveLength(5);
    expect(opt.series.some((s) => s.id.startsWith("w:"))).toBe(false);
    expect(opt.series.find((s) => s.id === "f:a")?.data).toEqual([]);
  });
});

describe("largest", () => {
  it("keeps the flagged members, then the largest, in the original order", () => {
    const items = Array.from({ length: 14 }, (_, i) => ({ k: `m${i}`, v: [i, i] }));
    const kept = largest(items, (t) => t.v, (t) => t.k === "m0", 4);
    expect(kept.map((t) => t.k)).toEqual(["m0", "m11", "m12", "m13"]);
    expect(largest(items.slice(0, 3), (t) => t.v)).toHaveLength(3);
  });
});
