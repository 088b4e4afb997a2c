import type { EChartsCoreOption } from "echarts/core";
import type { Cell, QueryResult } from "../../../api/client";
import { html, trusted } from "../../../safeHtml";
import { catLabel, colIndex, columnLabel, dimIndex, extraTooltip, fmtAxis, fmtOf, fmtValue, metricCols, rowObject } from "../../core/columns";
import { refMarkLine } from "../../core/cartesian";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";
import { PALETTE } from "../../core/palette";

/** Bubble area ∝ value: radius from 8 to 44 px by the square root of value/max. */
export function bubbleSize(v: number | null, max: number): number {
  if (v === null || max <= 0 || v <= 0) return 8;
  return 8 + 36 * Math.sqrt(v / max);
}

export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const di = dimIndex(result, chart.x);
  const ms = metricCols(result, chart).filter((c) => c.name !== chart.size);
  const [xc, yc] = [ms[0], ms[1] ?? ms[0]];
  const sc = result.columns.find((c) => c.name === chart.size) ?? ms[2];
  let gi = colIndex(result, chart.color);
  if (gi === di) gi = -1;
  const [xi, yi, si] = [xc, yc, sc].map((c) => (c ? result.columns.indexOf(c) : -1));
  const maxSize = si >= 0 ? Math.max(0, ...result.rows.map((r) => (r[si] as number) ?? 0)) : 0;
  const groups = new Map<string, { name: string; data: object[] }>();
  result.rows.forEach((r, i) => {
    const key = gi >= 0 ? String(r[gi]) : "";
    if (!groups.has(key)) groups.set(key, { name: gi >= 0 ? catLabel(r[gi], result.columns[gi], ctx.lang) : columnLabel(yc, ctx.lang), data: [] });
    groups.get(key)!.data.push({ name: catLabel(r[di], result.columns[di], ctx.lang), value: [r[xi], r[yi], si >= 0 ? r[si] : null], rowIndex: i, symbolSize: si >= 0 ? bubbleSize(r[si] as number, maxSize) : 10 });
  });
  const [fx, fy, fs] = [xc, yc, sc].map((c) => fmtOf(c, chart.numberFormat));
  const axis = (name: string, fmt: typeof fx) => ({ type: "value", scale: true, name, nameTextStyle: { color: "#86909c" }, axisLabel: { formatter: (v: number) => fmtAxis(v, fmt, ctx.lang), color: "#5c6370" }, splitLine: { lineStyle: { color: "#eef0f3" } } });
  const series = [...groups.values()].map((g, k) => ({
    type: "scatter",
    name: g.name,
    data: g.data,
    itemStyle: { opacity: 0.75, borderColor: "#fff", borderWidth: 1 },
    emphasis: { focus: "series", label: { show: true, formatter: "{b}", position: "top" } },
    label: { show: !!chart.labels, formatter: "{b}", position: "top", fontSize: 10, color: "#4b5563" },
    labelLayout: { hideOverlap: true },
    markLine: k === 0 ? refMarkLine(chart.refLines, "yAxis", fy, ctx.lang) : undefined,
  }));
  const option: EChartsCoreOption = {
    color: PALETTE,
    legend: groups.size > 1 ? { top: 0, type: "scroll", icon: "circle", itemWidth: 8 } : undefined,
    grid: { left: 16, right: 40, top: groups.size > 1 ? 48 : 32, bottom: 28, containLabel: true },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { name: string; marker: string; value: Cell[]; data?: { rowIndex: number } }) =>
        html`${trusted(p.marker)}${p.name}<br/>${columnLabel(xc, ctx.lang)}: <b>${fmtValue(p.value[0], fx, ctx.lang)}</b><br/>${columnLabel(yc, ctx.lang)}: <b>${fmtValue(p.value[1], fy, ctx.lang)}</b>${sc ? html`<br/>${columnLabel(sc, ctx.lang)}: <b>${fmtValue(p.value[2], fs, ctx.lang)}</b>` : ""}${extraTooltip(result, chart, result.rows[p.data?.rowIndex ?? -1], ctx.lang)}`.html,
    },
    xAxis: { ...axis(columnLabel(xc, ctx.lang), fx), nameLocation: "middle", nameGap: 26 },
    yAxis: axis(columnLabel(yc, ctx.lang), fy),
    series,
  };
  const click: EChartsProps["click"] = (p) => {
    const idx = (p.data as { rowIndex?: number } | undefined)?.rowIndex;
    if (idx === undefined) return null;
    const row = result.rows[idx];
    return { field: result.columns[di].name, value: row[di], row: rowObject(result, row) };
  };
  return { option, click };
}
