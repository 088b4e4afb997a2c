import type { EChartsCoreOption } from "echarts/core";
import type { QueryResult } from "../../../api/client";
import { html, trusted } from "../../../safeHtml";
import { extraTooltip, fmtValue } from "../../core/columns";
import { foldSmall, itemClick, items } from "../../core/items";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";
import { PALETTE } from "../../core/palette";

/** Slices beyond the 11 largest fold into 其他; labels show name and share, the tooltip the value too. */
export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const { items: all, di, fmt } = items(result, chart, ctx.lang);
  const data = foldSmall(all.filter((x) => x.value !== null && x.value > 0), 12, ctx.lang);
  const donut = chart.donut !== false;
  const base: EChartsCoreOption = {
    color: PALETTE,
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { name: string; value: number; percent: number; marker: string; data: { rowIndex: number } }) =>
        html`${trusted(p.marker)}${p.name}<br/><b>${fmtValue(p.value, fmt, ctx.lang)}</b>（${p.percent}%）${extraTooltip(result, chart, result.rows[p.data?.rowIndex ?? -1], ctx.lang)}`.html,
    },
    legend: { type: "scroll", bottom: 0, icon: "circle", itemWidth: 8 },
    series: [
      {
        type: "pie",
        radius: donut ? ["42%", "66%"] : ["0%", "66%"],
        center: ["50%", "45%"],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: "#fff", borderWidth: 2, borderRadius: donut ? 4 : 0 },
        label: { formatter: chart.labels ? (p: { name: string; value: number; percent: number }) => `${p.name}\n${fmtValue(p.value, fmt, ctx.lang)}（${p.percent}%）` : "{b}\n{d}%", color: "#4b5563" },
        labelLayout: { hideOverlap: true },
        data: data.map((x) => ({ name: x.name, value: x.value, rowIndex: x.rowIndex })),
      },
    ],
  };
  // Narrow tiles (phones): outside labels would be cut off, so the share goes inside the slice and the
  // legend names the slices (ECharts media query on the chart's own width).
  const option: EChartsCoreOption = {
    baseOption: base,
    media: [{
      query: { maxWidth: 460 },
      option: { series: [{ radius: donut ? ["40%", "70%"] : ["0%", "70%"], label: { position: "inside", formatter: "{d}%", color: "#fff", fontSize: 11 }, labelLine: { show: false } }] },
    }],
  };
  return { option, click: itemClick(result, di) };
}
