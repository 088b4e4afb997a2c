import type { EChartsCoreOption } from "echarts/core";
import type { QueryResult } from "../../../api/client";
import { html, joinHtml, trusted } from "../../../safeHtml";
import { toGrid } from "../../core/cartesian";
import { catLabel, columnLabel, dimIndex, fmtOf, fmtValue, metricCols } from "../../core/columns";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";
import { PALETTE } from "../../core/palette";
import type { Fmt } from "../../../format";

export interface RadarModel {
  indicators: { name: string; max: number; fmt: Fmt }[];
  polygons: { name: string; value: (number | null)[] }[];
}

/** Each axis's max is 110 % of its largest value (axes of different units each get their own scale). */
export function radarModel(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): RadarModel {
  const plain = metricCols(result, chart).filter((c) => !c.compute);
  if (plain.length >= 3) {
    const di = dimIndex(result, chart.x);
    const vi = plain.map((c) => result.columns.indexOf(c));
    const rows = [...result.rows].sort((a, b) => ((b[vi[0]] as number) ?? 0) - ((a[vi[0]] as number) ?? 0)).slice(0, 8);
    const indicators = plain.map((c, k) => ({ name: columnLabel(c, ctx.lang), max: Math.max(0, ...rows.map((r) => Math.abs((r[vi[k]] as number) ?? 0))) * 1.1 || 1, fmt: fmtOf(c, chart.numberFormat) }));
    return { indicators, polygons: rows.map((r) => ({ name: catLabel(r[di], result.columns[di], ctx.lang), value: vi.map((i) => r[i] as number | null) })) };
  }
  const grid = toGrid(result, chart, ctx.lang);
  const fmt = grid.series[0]?.fmt;
  const max = Math.max(0, ...grid.series.flatMap((s) => s.values.map((v) => Math.abs(v ?? 0)))) * 1.1 || 1;
  return { indicators: grid.labels.map((name) => ({ name, max, fmt })), polygons: grid.series.map((s) => ({ name: s.name, value: s.values })) };
}

export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const m = radarModel(result, chart, ctx);
  const option: EChartsCoreOption = {
    color: PALETTE,
    legend: m.polygons.length > 1 ? { type: "scroll", bottom: 0, icon: "roundRect", itemWidth: 12, itemHeight: 8 } : undefined,
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { name: string; value: (number | null)[]; marker: string }) =>
        html`${trusted(p.marker)}${p.name}<br/>${joinHtml(m.indicators.map((ind, i) => html`${ind.name}<span style="float:right;margin-left:16px;font-weight:600">${fmtValue(p.value[i], ind.fmt, ctx.lang)}</span>`), "<br/>")}`.html,
    },
    radar: { indicator: m.indicators.map((i) => ({ name: i.name, max: i.max })), radius: "62%", center: ["50%", "48%"], axisName: { color: "#4e5969", fontSize: 12 }, splitArea: { areaStyle: { color: ["#fafbfc", "#f2f4f7"] } } },
    series: [{ type: "radar", symbolSize: 4, areaStyle: { opacity: m.polygons.length > 3 ? 0.06 : 0.15 }, data: m.polygons.map((p) => ({ name: p.name, value: p.value })) }],
  };
  return { option };
}
