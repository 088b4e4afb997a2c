import type { EChartsCoreOption } from "echarts/core";
import type { QueryResult } from "../../../api/client";
import { html, trusted } from "../../../safeHtml";
import { columnLabel, fmtOf, fmtValue, metricCols } from "../../core/columns";
import { itemClick, items } from "../../core/items";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";
import { PALETTE } from "../../core/palette";

/** Stage values and the conversion from the first stage (shown in labels and tooltips). */
export function funnelStages(result: QueryResult, chart: ChartConfig, ctx: TransformCtx) {
  const hasDim = result.columns.some((c) => c.role === "dimension");
  if (hasDim) {
    const { items: list, di, fmt } = items(result, chart, ctx.lang);
    const stages = list.filter((x) => x.value !== null).sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
    return { stages: stages.map((x) => ({ name: x.name, value: x.value as number, rowIndex: x.rowIndex })), di, fmt };
  }
  const cols = metricCols(result, chart).filter((c) => !c.compute);
  const row = result.rows[0] ?? [];
  return { stages: cols.map((c) => ({ name: columnLabel(c, ctx.lang), value: row[result.columns.indexOf(c)] as number, rowIndex: 0 })), di: -1, fmt: fmtOf(cols[0], chart.numberFormat) };
}

export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const { stages, di, fmt } = funnelStages(result, chart, ctx);
  const first = stages[0]?.value || 0;
  const conv = (v: number) => (first ? ` ${((v / first) * 100).toFixed(1)}%` : "");
  const option: EChartsCoreOption = {
    color: PALETTE,
    tooltip: { trigger: "item", confine: true, formatter: (p: { name: string; value: number; marker: string }) => html`${trusted(p.marker)}${p.name}<br/><b>${fmtValue(p.value, fmt, ctx.lang)}</b>${first ? html`<br/>${ctx.lang === "zh" ? "转化率" : "Conversion"}${conv(p.value)}` : ""}`.html },
    legend: { type: "scroll", bottom: 0, icon: "circle", itemWidth: 8 },
    series: [
      {
        type: "funnel",
        sort: "descending",
        left: "12%",
        right: "12%",
        top: 16,
        bottom: 40,
        minSize: "24%",
        gap: 2,
        label: { show: true, position: "inside", color: "#fff", textBorderWidth: 0, fontSize: 12, formatter: (p: { name: string; value: number }) => `${p.name}  ${fmtValue(p.value, fmt, ctx.lang)}${chart.labels === false ? "" : conv(p.value)}` },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        data: stages,
      },
    ],
  };
  return { option, click: di >= 0 ? itemClick(result, di) : undefined };
}
