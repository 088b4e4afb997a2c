/**
 * Result + chart recommendation → ECharts option (line, bar, combo, pie, map). KPI cards and tables
 * are React components (ResultView). Pure functions: no React, no I/O.
 */
import type { EChartsCoreOption } from "echarts/core";
import type { Cell, ChartRec, QueryResult, ResultColumn } from "../api/client";
import { axisLabel, columnFormat, formatPeriod, formatValue, grainOf } from "../format";
import type { Lang } from "../i18n";
import { en } from "../i18n/en";
import { zh, type MessageKey } from "../i18n/zh";
import { PALETTE } from "./echarts";

export interface BuildCtx {
  lang: Lang;
  noProvince: string;
}

function colIndex(result: QueryResult, name: string | null | undefined): number {
  return name ? result.columns.findIndex((c) => c.name === name) : -1;
}

/** English labels of metrics and fields (filled from the model when a page loads it). */
export const englishLabels = new Map<string, string>();

const COMPUTE_EN: Record<string, string> = { yoy: "YoY", pop: "PoP", percent_of_total: "share", cumulative: "cumulative", rank: "rank", yoy_value: "YoY change", pop_value: "PoP change" };

export function columnLabel(c: ResultColumn | undefined, lang: Lang): string {
  if (!c) return "";
  const dict = lang === "en" ? en : zh;
  const g = grainOf(c.name);
  if (g && (!c.label || c.label === c.name)) return dict[`period.${g}` as MessageKey];
  if (lang === "en") {
    const base = englishLabels.get(c.metric ?? c.name);
    if (base && c.compute) return `${base} ${COMPUTE_EN[c.compute] ?? c.compute}`;
    return base ?? c.name;
  }
  return c.label ?? c.name;
}

/** The category label of a dimension value (dates by grain). */
function catLabel(v: Cell, col: ResultColumn | undefined, lang: Lang): string {
  if (col && (col.type === "date" || col.type === "timestamp")) return formatPeriod(v, grainOf(col.name), lang);
  if (v === null) return "—";
  return formatValue(v, undefined, lang);
}

function metricCols(result: QueryResult, chart: ChartRec): ResultColumn[] {
  const named = (chart.y ?? []).map((n) => result.columns.find((c) => c.name === n)).filter(Boolean) as ResultColumn[];
  const all = result.columns.filter((c) => c.role === "metric");
  // computes (yoy, share…) are shown too, after the plain metrics
  const rest = all.filter((c) => !named.includes(c));
  return named.length ? [...named, ...rest] : all;
}

function tooltipFormatter(fmtOf: (seriesIndex: number) => string | undefined, lang: Lang) {
  return (params: unknown) => {
    const list = (Array.isArray(params) ? params : [params]) as {
      axisValueLabel?: string;
      name?: string;
      marker?: string;
      seriesName?: string;
      seriesIndex: number;
      value: unknown;
    }[];
    if (!list.length) return "";
    const head = list[0].axisValueLabel ?? list[0].name ?? "";
    const lines = list.map((p) => {
      const raw = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
      return `${p.marker ?? ""}${p.seriesName ?? ""}<span style="float:right;margin-left:16px;font-weight:600">${formatValue(
        raw as Cell,
        fmtOf(p.seriesIndex),
        lang,
      )}</span>`;
    });
    return `<div style="min-width:140px">${head}<br/>${lines.join("<br/>")}</div>`;
  };
}

export function buildCartesian(result: QueryResult, chart: ChartRec, ctx: BuildCtx): EChartsCoreOption {
  const { lang } = ctx;
  const xi = colIndex(result, chart.x) >= 0 ? colIndex(result, chart.x) : result.columns.findIndex((c) => c.role === "dimension");
  const xCol = result.columns[xi];
  const si = colIndex(result, chart.series);
  const isTime = xCol && (xCol.type === "date" || xCol.type === "timestamp");
  const metrics = metricCols(result, chart);
  const horizontal = chart.type === "bar" && !!chart.horizontal && !isTime;
  const baseType = chart.type === "line" ? "line" : "bar";

  let rows = result.rows;
  if (isTime) rows = [...rows].sort((a, b) => String(a[xi]).localeCompare(String(b[xi])));
  const cats: Cell[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const k = String(r[xi]);
    if (!seen.has(k)) {
      seen.add(k);
      cats.push(r[xi]);
    }
  }
  const catIdx = new Map(cats.map((c, i) => [String(c), i]));

  type S = { name: string; type: string; data: (number | null)[]; yAxisIndex: number; fmt?: string; [k: string]: unknown };
  const series: S[] = [];
  const primaryFmt = columnFormat(metrics[0]);
  const secondaryFor = (c: ResultColumn, i: number): boolean => {
    if (chart.type === "combo") return c.name !== (chart.bar ?? metrics[0]?.name) && i > 0;
    if (chart.line_y2?.includes(c.name)) return true;
    return i > 0 && columnFormat(c) !== primaryFmt && (columnFormat(c) === "percent" || primaryFmt === "percent");
  };

  if (si >= 0 && metrics.length) {
    // one series per member of the series dimension, first metric only
    const mi = colIndex(result, metrics[0].name);
    const groups = new Map<string, (number | null)[]>();
    for (const r of rows) {
      const g = r[si] === null ? "—" : String(r[si]);
      if (!groups.has(g)) groups.set(g, new Array(cats.length).fill(null));
      groups.get(g)![catIdx.get(String(r[xi]))!] = r[mi] as number | null;
    }
    for (const [g, data] of groups) series.push({ name: g, type: baseType, data, yAxisIndex: 0, fmt: primaryFmt });
  } else {
    metrics.forEach((c, i) => {
      const mi = colIndex(result, c.name);
      const data = new Array(cats.length).fill(null);
      for (const r of rows) data[catIdx.get(String(r[xi]))!] = r[mi] as number | null;
      const second = secondaryFor(c, i);
      const type = chart.type === "combo" ? (second ? "line" : "bar") : second && baseType === "bar" ? "line" : baseType;
      series.push({ name: columnLabel(c, lang), type, data, yAxisIndex: second && !horizontal ? 1 : 0, fmt: columnFormat(c) });
    });
  }
  for (const s of series) {
    if (s.type === "line") Object.assign(s, { smooth: true, symbol: cats.length > 30 ? "none" : "circle", symbolSize: 6 });
    if (s.type === "bar") Object.assign(s, { barMaxWidth: 36, itemStyle: { borderRadius: horizontal ? [0, 4, 4, 0] : [4, 4, 0, 0] } });
  }
  if (baseType === "line" && series.length === 1 && series[0].type === "line") {
    series[0].areaStyle = { opacity: 0.12 };
  }
  const secondFmt = series.find((s) => s.yAxisIndex === 1)?.fmt;
  const labels = cats.map((c) => catLabel(c, xCol, lang));
  const catAxis = {
    type: "category",
    data: horizontal ? [...labels].reverse() : labels,
    axisTick: { alignWithLabel: true },
    axisLabel: { hideOverlap: true, color: "#5c6370" },
    axisLine: { lineStyle: { color: "#d0d5dd" } },
  };
  if (horizontal) for (const s of series) s.data = [...s.data].reverse();
  const valAxis = (fmt: string | undefined, show = true) => ({
    type: "value",
    show,
    axisLabel: { formatter: (v: number) => axisLabel(v, fmt, lang), color: "#5c6370" },
    splitLine: { lineStyle: { color: "#eef0f3" } },
  });
  const yAxes = [valAxis(primaryFmt)];
  if (secondFmt !== undefined || series.some((s) => s.yAxisIndex === 1)) yAxes.push({ ...valAxis(secondFmt), splitLine: { lineStyle: { color: "transparent" } } });
  return {
    color: PALETTE,
    animationDuration: 400,
    grid: { left: 8, right: 16, top: series.length > 1 ? 40 : 24, bottom: cats.length > 40 && !horizontal ? 40 : 8, containLabel: true },
    legend: series.length > 1 ? { top: 0, type: "scroll", icon: "roundRect", itemWidth: 12, itemHeight: 8 } : undefined,
    tooltip: { trigger: "axis", confine: true, formatter: tooltipFormatter((i) => series[i]?.fmt, lang) },
    xAxis: horizontal ? yAxes[0] : catAxis,
    yAxis: horizontal ? catAxis : yAxes,
    dataZoom: cats.length > 40 && !horizontal ? [{ type: "inside" }, { type: "slider", height: 16, bottom: 4 }] : undefined,
    series,
  };
}

export function buildPie(result: QueryResult, chart: ChartRec, ctx: BuildCtx): EChartsCoreOption {
  const xi = colIndex(result, chart.x) >= 0 ? colIndex(result, chart.x) : result.columns.findIndex((c) => c.role === "dimension");
  const plain = result.columns.find((c) => c.role === "metric" && !c.compute);
  const valueCol = result.columns.find((c) => c.name === chart.value) ?? plain ?? result.columns.find((c) => c.role === "metric");
  const vi = colIndex(result, valueCol?.name);
  const fmt = columnFormat(valueCol);
  const data = result.rows.map((r) => ({ name: catLabel(r[xi], result.columns[xi], ctx.lang), value: r[vi] as number }));
  return {
    color: PALETTE,
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { name: string; value: number; percent: number; marker: string }) =>
        `${p.marker}${p.name}<br/><b>${formatValue(p.value, fmt, ctx.lang)}</b>（${p.percent}%）`,
    },
    legend: { type: "scroll", bottom: 0, icon: "circle", itemWidth: 8 },
    series: [
      {
        type: "pie",
        radius: chart.donut === false ? ["0%", "68%"] : ["42%", "68%"],
        center: ["50%", "45%"],
        itemStyle: { borderColor: "#fff", borderWidth: 2, borderRadius: 4 },
        label: { formatter: "{b}\n{d}%", color: "#4b5563" },
        data,
      },
    ],
  };
}

export function buildMap(result: QueryResult, chart: ChartRec, ctx: BuildCtx): EChartsCoreOption {
  const ri = colIndex(result, chart.region ?? chart.x) >= 0 ? colIndex(result, chart.region ?? chart.x) : result.columns.findIndex((c) => c.role === "dimension");
  const valueCol = result.columns.find((c) => c.name === (chart.y ?? [])[0]) ?? result.columns.find((c) => c.role === "metric");
  const vi = colIndex(result, valueCol?.name);
  const fmt = columnFormat(valueCol);
  const data = result.rows.filter((r) => r[ri] !== null).map((r) => ({ name: String(r[ri]), value: r[vi] as number }));
  const values = data.map((d) => d.value).filter((v) => typeof v === "number");
  return {
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { name: string; value: number }) =>
        `${p.name}<br/><b>${typeof p.value === "number" && !Number.isNaN(p.value) ? formatValue(p.value, fmt, ctx.lang) : "—"}</b>`,
    },
    visualMap: {
      min: values.length ? Math.min(...values) : 0,
      max: values.length ? Math.max(...values) : 1,
      left: 8,
      bottom: 8,
      calculable: true,
      itemHeight: 100,
      inRange: { color: ["#e8f0ff", "#8fb4ff", "#1664ff", "#0a3a99"] },
      formatter: (v: number) => axisLabel(v, fmt, ctx.lang),
    },
    series: [
      {
        type: "map",
        map: "china",
        roam: false,
        zoom: 1.15,
        top: 20,
        bottom: 10,
        name: columnLabel(valueCol, ctx.lang),
        label: { show: false },
        emphasis: { label: { show: true, color: "#111" }, itemStyle: { areaColor: "#ffb800" } },
        itemStyle: { borderColor: "#fff", borderWidth: 0.8, areaColor: "#f2f4f7" },
        data,
      },
    ],
  };
}

export function buildOption(result: QueryResult, chart: ChartRec, ctx: BuildCtx): EChartsCoreOption {
  if (chart.type === "pie") return buildPie(result, chart, ctx);
  if (chart.type === "map") return buildMap(result, chart, ctx);
  return buildCartesian(result, chart, ctx);
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
