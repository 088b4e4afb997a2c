import type { EChartsCoreOption } from "echarts/core";
import type { QueryResult } from "../../../api/client";
import { html } from "../../../safeHtml";
import { toGrid } from "../../core/cartesian";
import { fmtAxis, fmtValue, rowObject } from "../../core/columns";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";

/** x = chart.x categories, y = the series dimension's members; missing cells stay empty. */
export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const grid = toGrid(result, chart, ctx.lang);
  const fmt = grid.series[0]?.fmt;
  const data: [number, number, number | null][] = [];
  grid.series.forEach((s, y) => s.values.forEach((v, x) => v !== null && data.push([x, y, v])));
  const values = data.map((d) => d[2] as number);
  const option: EChartsCoreOption = {
    tooltip: {
      confine: true,
      formatter: (p: { value: [number, number, number] }) => html`${grid.labels[p.value[0]]} · ${grid.series[p.value[1]]?.name}<br/><b>${fmtValue(p.value[2], fmt, ctx.lang)}</b>`.html,
    },
    grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
    xAxis: { type: "category", data: grid.labels, splitArea: { show: true }, axisLabel: { hideOverlap: true, color: "#5c6370", rotate: grid.labels.length > 8 ? 30 : 0 } },
    yAxis: { type: "category", data: grid.series.map((s) => s.name), splitArea: { show: true }, axisLabel: { color: "#5c6370", width: 96, overflow: "truncate" } },
    visualMap: {
      min: values.length ? Math.min(...values) : 0,
      max: values.length ? Math.max(...values) : 1,
      calculable: true,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      itemHeight: 160,
      itemWidth: 12,
      inRange: { color: ["#f0f5ff", "#8fb4ff", "#1664ff", "#0a3a99"] },
      formatter: (v: number) => fmtAxis(v, fmt, ctx.lang),
    },
    series: [
      {
        type: "heatmap",
        data,
        label: { show: !!chart.labels, fontSize: 10, formatter: (p: { value: [number, number, number] }) => fmtAxis(p.value[2], fmt, ctx.lang) },
        emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,0.3)" } },
      },
    ],
  };
  const click: EChartsProps["click"] = (p) => {
    const [x, y] = (p.data as [number, number, number]) ?? [];
    if (x === undefined) return null;
    const cat = grid.cats[x];
    const member = grid.series[y]?.member;
    const row = result.rows.find((r) => String(r[grid.xi]) === String(cat) && (grid.si < 0 || String(r[grid.si]) === String(member)));
    return { field: result.columns[grid.xi].name, value: cat, row: rowObject(result, row), series: grid.si >= 0 ? { field: result.columns[grid.si].name, value: member ?? null } : undefined };
  };
  return { option, click };
}
