import type { EChartsCoreOption } from "echarts/core";
import type { QueryResult } from "../../../api/client";
import { html } from "../../../safeHtml";
import { riseFall } from "../../../changes";
import { categoryAxis, gridClick, refMarkLine, toGrid, valueAxis } from "../../core/cartesian";
import { fmtAxis, fmtValue } from "../../core/columns";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";

export interface Step {
  base: number; // the invisible bar under the step
  up: number | null; // increase (red, the Chinese convention)
  down: number | null; // decrease (green)
  total: number | null; // the final 合计 bar
  value: number; // the signed contribution (or the total)
}

/** Contributions → floating steps and a closing total; nulls count as 0. */
export function waterfallSteps(values: (number | null)[]): Step[] {
  let run = 0;
  const steps: Step[] = values.map((raw) => {
    const v = raw ?? 0;
    const start = run;
    run += v;
    return { base: Math.min(start, run), up: v >= 0 ? v : null, down: v < 0 ? -v : null, total: null, value: v };
  });
  steps.push({ base: Math.min(0, run), up: null, down: null, total: Math.abs(run), value: run });
  return steps;
}

export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const zh = ctx.lang === "zh";
  const grid = toGrid(result, { ...chart, series: undefined, color: undefined }, ctx.lang);
  const s = grid.series[0];
  const fmt = s?.fmt;
  const steps = waterfallSteps(s?.values ?? []);
  const labels = [...grid.labels, zh ? "合计" : "Total"];
  const lbl = (key: "up" | "down" | "total") => ({
    show: chart.labels !== false,
    position: "top",
    fontSize: 11,
    color: "#4b5563",
    formatter: (p: { dataIndex: number; value: number | null }) => (p.value === null || p.value === undefined ? "" : `${key === "down" ? "-" : key === "up" ? "+" : ""}${fmtAxis(key === "total" ? steps[p.dataIndex].value : p.value, fmt, ctx.lang)}`),
  });
  const bar = { type: "bar", stack: "wf", barMaxWidth: 40, labelLayout: { hideOverlap: true } };
  const option: EChartsCoreOption = {
    animationDuration: 400,
    legend: { top: 0, data: [zh ? "增加" : "Increase", zh ? "减少" : "Decrease", zh ? "合计" : "Total"], icon: "roundRect", itemWidth: 12, itemHeight: 8 },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      confine: true,
      axisPointer: { type: "shadow" },
      formatter: (ps: { dataIndex: number }[]) => {
        const i = ps[0]?.dataIndex ?? 0;
        const st = steps[i];
        return html`${labels[i]}<br/><b>${st.total !== null ? "" : st.value >= 0 ? "+" : "-"}${fmtValue(Math.abs(st.value), fmt, ctx.lang)}</b>`.html;
      },
    },
    xAxis: categoryAxis(labels, labels.length > 8 && Math.max(...labels.map((l) => l.length)) > 4),
    yAxis: valueAxis(fmt, ctx.lang),
    series: [
      { ...bar, name: "__base", data: steps.map((x) => x.base), itemStyle: { color: "transparent" }, emphasis: { disabled: true }, tooltip: { show: false }, silent: true },
      { ...bar, name: zh ? "增加" : "Increase", data: steps.map((x) => x.up), itemStyle: { color: riseFall().rise }, label: lbl("up"), markLine: refMarkLine(chart.refLines, "yAxis", fmt, ctx.lang) },
      { ...bar, name: zh ? "减少" : "Decrease", data: steps.map((x) => x.down), itemStyle: { color: riseFall().fall }, label: lbl("down") },
      { ...bar, name: zh ? "合计" : "Total", data: steps.map((x) => x.total), itemStyle: { color: "#1664ff" }, label: lbl("total") },
    ],
  };
  const inner = gridClick(result, grid, false)!;
  return { option, click: (p) => (p.dataIndex !== undefined && p.dataIndex < grid.cats.length ? inner({ ...p, seriesIndex: 0 }) : null) };
}
