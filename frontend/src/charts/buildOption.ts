/**
 * Compatibility entry for code written before the per-type folders: labels, buildOption (any ECharts
 * type through the registry) and the home page's sparkline. Pure functions: no React, no I/O.
 */
import type { EChartsCoreOption } from "echarts/core";
import type { ChartRec, QueryResult } from "../api/client";
import type { Lang } from "../i18n";
import type { EChartsProps } from "./core/types";
import { PALETTE } from "./core/palette";
import { chartType } from "./registry";

export { columnLabel, englishLabels } from "./core/columns";

export interface BuildCtx {
  lang: Lang;
  noProvince: string;
}

/** The ECharts option of an ECharts-rendered type (null for the KPI card, table and pivot). */
export function buildOption(result: QueryResult, chart: ChartRec, ctx: BuildCtx): EChartsCoreOption | null {
  const def = chartType(chart.type);
  if (def.render !== "echarts") return null;
  return (def.transformProps(result, chart, { lang: ctx.lang, noValue: ctx.noProvince }) as EChartsProps).option;
}

/** Sparkline option (tiny line, no axes). */
export function sparkline(values: (number | null)[], color = PALETTE[0]): EChartsCoreOption {
  return {
    grid: { left: 0, right: 0, top: 4, bottom: 2 },
    xAxis: { type: "category", show: false, boundaryGap: false, data: values.map((_, i) => i) },
    yAxis: { type: "value", show: false, scale: true },
    series: [
      {
        type: "line",
        data: values,
        smooth: true,
        symbol: "none",
        lineStyle: { width: 2, color },
        areaStyle: { color, opacity: 0.12 },
      },
    ],
    animation: false,
  };
}
