/**
 * The anomaly chart (「异常」 on line charts): each checked series' history, the expected range of a single
 * series as a band, and the flagged points as markers coloured by severity whose tooltip is the anomaly's
 * description. Pure: the POST /api/v1/anomalies answer in, an ECharts option out.
 */
import type { Schemas } from "../api/client";
import { PALETTE } from "../charts/core/palette";
import { escapeHtml, html } from "../safeHtml";
import { largest } from "./forecastChart";

export type Anomaly = Schemas["Anomaly"];
export type AnomalySeries = Schemas["AnomalySeries"];
export type AnomaliesOut = Schemas["AnomaliesOut"];

export const SEVERITY_COLOR: Record<Anomaly["severity"], string> = { high: "#f5222d", medium: "#fa8c16", low: "#faad14" };

export function anomalyOption(all: AnomaliesOut, lang: string, fmt: (v: number) => string, labels: { expected: string; anomaly: string }): object {
  const flagged = new Set(all.anomalies.map((x) => x.series));
  const a = { ...all, series: largest(all.series, (s) => s.values, (s) => flagged.has(s.key)) };
  const drawn = new Set(a.series.map((s) => s.key));
  a.anomalies = all.anomalies.filter((x) => drawn.has(x.series));
  const one = a.series.length === 1;
  const name = (k: string | null) => k ?? a.label;
  const bandSeries = one && a.series[0].lower && a.series[0].upper ? [
    { id: "lo", name: labels.expected, type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 }, data: a.series[0].lower, tooltip: { show: false } },
    { id: "band", name: labels.expected, type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(22,100,255,0.12)" },
      data: a.series[0].upper!.map((u, i) => (u === null || a.series[0].lower![i] === null ? null : u - (a.series[0].lower![i] as number))), tooltip: { show: false } },
  ] : [];
  const lines = a.series.map((s, i) => ({ id: `h:${s.key ?? ""}`, name: name(s.key), type: "line", data: s.values, symbolSize: 4, itemStyle: { color: PALETTE[i % PALETTE.length] } }));
  const idx = new Map(a.periods.map((p, i) => [p, i]));
  const marks = a.anomalies.filter((x) => idx.has(x.period)).map((x) => ({
    value: [idx.get(x.period)!, x.value],
    itemStyle: { color: SEVERITY_COLOR[x.severity] },
    description: lang === "en" ? x.description_en : x.description_zh,
  }));
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, type: "scroll", data: [...a.series.map((s) => name(s.key)), ...(bandSeries.length ? [labels.expected] : []), labels.anomaly] },
    tooltip: {
      trigger: "item",
      formatter: (p: { seriesId?: string; dataIndex: number; data: { description?: string } | number | null; seriesName: string }) => {
        if (p.seriesId === "anomalies") return escapeHtml((p.data as { description: string }).description);
        const v = typeof p.data === "number" ? p.data : null;
        return html`${a.labels[p.dataIndex]}<br/>${p.seriesName}: ${v === null ? "—" : fmt(v)}`.html;
      },
    },
    xAxis: { type: "category", data: a.labels, boundaryGap: false },
    yAxis: { type: "value", scale: true, axisLabel: { formatter: (v: number) => fmt(v) } },
    series: [
      ...bandSeries,
      ...lines,
      { id: "anomalies", name: labels.anomaly, type: "scatter", symbolSize: 13, z: 5, data: marks, itemStyle: { color: SEVERITY_COLOR.high, borderColor: "#fff", borderWidth: 2 } },
    ],
  };
}
