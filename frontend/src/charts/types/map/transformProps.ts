import type { EChartsCoreOption } from "echarts/core";
import type { QueryResult } from "../../../api/client";
import { html } from "../../../safeHtml";
import { columnLabel, extraTooltip, fmtAxis, fmtValue } from "../../core/columns";
import { itemClick, items } from "../../core/items";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";

/** Province names in the data are full names (江苏省); the registered map uses the same (chinaMap.ts). */
export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const { items: list, di, vCol, fmt } = items(result, chart, ctx.lang, chart.region ?? chart.x);
  const data = list.filter((x) => x.raw !== null).map((x) => ({ name: String(x.raw), value: x.value, rowIndex: x.rowIndex }));
  const values = data.map((d) => d.value).filter((v): v is number => typeof v === "number");
  const option: EChartsCoreOption = {
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { name: string; value: number; data?: { rowIndex: number } }) =>
        html`${p.name}<br/><b>${typeof p.value === "number" && !Number.isNaN(p.value) ? fmtValue(p.value, fmt, ctx.lang) : "—"}</b>${extraTooltip(result, chart, result.rows[p.data?.rowIndex ?? -1], ctx.lang)}`.html,
    },
    visualMap: {
      min: values.length ? Math.min(...values) : 0,
      max: values.length ? Math.max(...values) : 1,
      left: 8,
      bottom: 8,
      calculable: true,
      itemHeight: 100,
      inRange: { color: ["#e8f0ff", "#8fb4ff", "#1664ff", "#0a3a99"] },
      formatter: (v: number) => fmtAxis(v, fmt, ctx.lang),
    },
    series: [
      {
        type: "map",
        map: "china",
        roam: false,
        zoom: 1.15,
        top: 20,
        bottom: 10,
        name: columnLabel(vCol, ctx.lang),
        label: { show: !!chart.labels, fontSize: 9, color: "#1d2129", formatter: (p: { name: string }) => p.name.replace(/(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$/, "") },
        emphasis: { label: { show: true, color: "#111" }, itemStyle: { areaColor: "#ffb800" } },
        itemStyle: { borderColor: "#fff", borderWidth: 0.8, areaColor: "#f2f4f7" },
        data,
      },
    ],
  };
  return { option, click: itemClick(result, di) };
}
