import type { EChartsCoreOption } from "echarts/core";
import type { QueryResult } from "../../../api/client";
import { html } from "../../../safeHtml";
import { columnLabel, fmtAxis, fmtOf, fmtValue, valueCol } from "../../core/columns";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";

/** A round scale end above v: 1, 2, 2.5, 5 × 10^k (ratios: 100 %, or the value rounded up to 10 %). */
export function niceMax(v: number, percent: boolean): number {
  if (percent) return v <= 1 ? 1 : Math.ceil(v * 10) / 10;
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * 1.1) return m * p;
  return 10 * p;
}

export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const col = valueCol(result, chart);
  const fmt = fmtOf(col, chart.numberFormat);
  const v = col ? ((result.rows[0] ?? [])[result.columns.indexOf(col)] as number | null) ?? 0 : 0;
  const target = chart.refLines?.find((l) => l.kind === "target")?.value;
  const warning = chart.refLines?.find((l) => l.kind === "warning")?.value;
  const max = chart.max ?? niceMax(Math.max(v, target ?? 0, warning ?? 0), fmt === "percent");
  const zh = ctx.lang === "zh";
  const detail = target ? `${fmtValue(v, fmt, ctx.lang)}\n{sub|${zh ? "达成率" : "Attainment"} ${((v / target) * 100).toFixed(1)}%}` : fmtValue(v, fmt, ctx.lang);
  const stops: [number, string][] = warning ? [[warning / max, "#f5455c"], [1, "#e5e6eb"]] : [[1, "#e5e6eb"]];
  const series: object[] = [
    {
      type: "gauge",
      name: columnLabel(col, ctx.lang),
      min: 0,
      max,
      radius: "88%",
      center: ["50%", "58%"],
      progress: { show: true, width: 14, itemStyle: { color: "#1664ff" } },
      axisLine: { lineStyle: { width: 14, color: stops } },
      axisTick: { show: false },
      splitLine: { length: 8, lineStyle: { width: 1, color: "#c9cdd4" } },
      splitNumber: 5,
      axisLabel: { distance: 20, color: "#86909c", fontSize: 11, formatter: (x: number) => fmtAxis(x, fmt, ctx.lang) },
      pointer: { show: !target, width: 4, length: "55%", itemStyle: { color: "#1664ff" } },
      anchor: { show: false },
      title: { offsetCenter: [0, "72%"], fontSize: 13, color: "#4e5969" },
      detail: { valueAnimation: false, offsetCenter: [0, "18%"], fontSize: 26, fontWeight: 700, color: "#1d2129", formatter: () => detail, rich: { sub: { fontSize: 12, color: "#00b42a", fontWeight: 400, padding: [6, 0, 0, 0] } } },
      data: [{ value: v, name: columnLabel(col, ctx.lang) }],
    },
  ];
  if (target)
    series.push({
      type: "gauge",
      min: 0,
      max,
      radius: "88%",
      center: ["50%", "58%"],
      axisLine: { show: false },
      axisTick: { show: false },
      splitLine: { show: false },
      axisLabel: { show: false },
      progress: { show: false },
      pointer: { icon: "triangle", width: 12, length: "14%", offsetCenter: [0, "-92%"], itemStyle: { color: "#00b42a" } },
      anchor: { show: false },
      title: { show: false },
      detail: { show: false },
      tooltip: { show: false },
      data: [{ value: target, name: zh ? "目标" : "Target" }],
    });
  const option: EChartsCoreOption = {
    tooltip: { trigger: "item", formatter: (p: { seriesName: string; value: number }) => html`${p.seriesName}<br/><b>${fmtValue(p.value, fmt, ctx.lang)}</b>${target ? html`<br/>${zh ? "目标" : "Target"} ${fmtValue(target, fmt, ctx.lang)}` : ""}`.html },
    series,
  };
  return { option };
}
