/**
 * The category × series grid shared by bar, line, area, combo and waterfall: rows → categories (x) and
 * series (one per metric, or one per member of the series/colour dimension for the first metric), stacking
 * (stacked or 100 %), value labels, 目标线/警戒线 reference lines, and click → row. Pure.
 *
 * Quick calculations: 同比/环比/占比 outputs (chart.line_y2) are lines on a second value axis. When the chart is
 * split by a series dimension (grouped, stacked or 100 % stacked), each member gets its own dashed line in
 * the member's colour ("伺服电机 同比"), except 占比 on bars, which labels each member's bar with its share;
 * so a quick calculation on a split chart is always drawn.
 *
 * Invariants: time categories are sorted ascending, other categories keep the result's order (the
 * spec's order_by); a missing (category, series) cell is null, never 0; percent stacking divides by the
 * category's total over the drawn series (first axis only) and keeps the raw value for tooltips.
 */
import type { EChartsCoreOption } from "echarts/core";
import type { Cell, QueryResult, ResultColumn } from "../../api/client";
import type { Fmt } from "../../format";
import type { Lang } from "../../i18n";
import { html, joinHtml, trusted, type SafeHtml } from "../../safeHtml";
import { PALETTE } from "./palette";
import { catLabel, colIndex, columnLabel, dimIndex, extraTooltip, fmtAxis, fmtOf, fmtValue, isTime, metricCols, rowObject } from "./columns";
import type { ChartConfig, EChartsProps, ElementDatum, RefLine, TransformCtx } from "./types";

export interface GridSeries {
  name: string;
  col: ResultColumn;
  member?: Cell; // the series dimension's value, when split by a dimension
  values: (number | null)[];
  fmt: Fmt;
  second: boolean; // drawn on the second value axis
  /** a member's quick calculation (同比…) drawn beside the member's own series, in its colour */
  companionOf?: number;
  /** a member's 占比 per category, shown as its bars' labels (split bar charts) */
  share?: (number | null)[];
}

export interface Grid {
  xi: number;
  xCol: ResultColumn | undefined;
  si: number;
  cats: Cell[];
  labels: string[];
  series: GridSeries[];
}

const COMPUTE_SHORT: Record<string, { zh: string; en: string }> = {
  yoy: { zh: "同比", en: "YoY" }, pop: { zh: "环比", en: "PoP" }, percent_of_total: { zh: "占比", en: "share" },
  yoy_value: { zh: "同比增量", en: "YoY change" }, pop_value: { zh: "环比增量", en: "PoP change" },
  cumulative: { zh: "累计", en: "cumulative" }, rank: { zh: "排名", en: "rank" },
};

/**
 * rows → categories × series. With `companions` (bar, line, area), a chart split by a series dimension
 * also gets, per member, one second-axis series for each quick calculation in chart.line_y2.
 */
export function toGrid(result: QueryResult, chart: ChartConfig, lang: Lang, companions = false): Grid {
  const xi = dimIndex(result, chart.x);
  const xCol = result.columns[xi];
  let si = colIndex(result, chart.series ?? chart.color);
  if (si === xi) si = -1;
  const metrics = metricCols(result, chart);
  const nf = chart.numberFormat;
  let rows = result.rows;
  if (isTime(xCol)) rows = [...rows].sort((a, b) => String(a[xi]).localeCompare(String(b[xi])));
  const cats: Cell[] = [];
  const catIdx = new Map<string, number>();
  for (const r of rows) {
    const k = String(r[xi]);
    if (!catIdx.has(k)) {
      catIdx.set(k, cats.length);
      cats.push(r[xi]);
    }
  }
  const primary = fmtOf(metrics[0], nf);
  const secondary = (c: ResultColumn, i: number): boolean => {
    if (i === 0) return false;
    if (chart.type === "combo") return c.name !== (chart.bar ?? metrics[0]?.name);
    if (chart.line_y2?.includes(c.name)) return true;
    const f = fmtOf(c, nf);
    return f !== primary && (f === "percent" || primary === "percent");
  };
  const series: GridSeries[] = [];
  if (si >= 0 && metrics.length) {
    const m = metrics[0];
    const mi = colIndex(result, m.name);
    const groups = new Map<string, GridSeries>();
    for (const r of rows) {
      const key = r[si] === null ? "—" : String(r[si]);
      if (!groups.has(key)) {
        const s: GridSeries = { name: catLabel(r[si], result.columns[si], lang), col: m, member: r[si], values: new Array(cats.length).fill(null), fmt: fmtOf(m, nf), second: false };
        groups.set(key, s);
        series.push(s);
      }
      groups.get(key)!.values[catIdx.get(String(r[xi]))!] = r[mi] as number | null;
    }
    const calcs = companions ? metrics.filter((c, i) => i > 0 && chart.line_y2?.includes(c.name)) : [];
    const members = [...series];
    for (const c of calcs) {
      const ci = colIndex(result, c.name);
      const short = c.compute ? COMPUTE_SHORT[c.compute]?.[lang] : undefined;
      members.forEach((m, k) => {
        const values: (number | null)[] = new Array(cats.length).fill(null);
        for (const r of rows) if (String(r[si]) === String(m.member)) values[catIdx.get(String(r[xi]))!] = r[ci] as number | null;
        series.push({ name: `${m.name} ${short ?? columnLabel(c, lang)}`, col: c, member: m.member, values, fmt: fmtOf(c, nf), second: true, companionOf: k });
      });
    }
  } else {
    metrics.forEach((c, i) => {
      const mi = colIndex(result, c.name);
      const values: (number | null)[] = new Array(cats.length).fill(null);
      for (const r of rows) values[catIdx.get(String(r[xi]))!] = r[mi] as number | null;
      series.push({ name: columnLabel(c, lang), col: c, values, fmt: fmtOf(c, nf), second: secondary(c, i) });
    });
  }
  return { xi, xCol, si, cats, labels: cats.map((c) => catLabel(c, xCol, lang)), series };
}

/** 100 % stacking: each value over its category's total (over the series on the first axis). */
export function percentStack(values: (number | null)[][]): (number | null)[][] {
  const n = values[0]?.length ?? 0;
  const totals = Array.from({ length: n }, (_, j) => values.reduce((a, s) => a + Math.abs(s[j] ?? 0), 0));
  return values.map((s) => s.map((v, j) => (v === null ? null : totals[j] ? v / totals[j] : 0)));
}

const REF_COLOR = { target: "#00b42a", warning: "#f53f3f" } as const;

/** markLine for 目标线 / 警戒线 on a value axis ("yAxis", or "xAxis" when horizontal). */
export function refMarkLine(lines: RefLine[] | null | undefined, axis: "xAxis" | "yAxis", fmt: Fmt, lang: Lang) {
  if (!lines?.length) return undefined;
  const names = { target: lang === "zh" ? "目标" : "Target", warning: lang === "zh" ? "警戒" : "Warning" };
  return {
    silent: true,
    symbol: "none",
    animation: false,
    data: lines.map((l) => ({
      [axis]: l.value,
      name: l.label || names[l.kind],
      lineStyle: { color: REF_COLOR[l.kind], type: l.kind === "target" ? "dashed" : "dotted", width: 1.5 },
      label: { formatter: `${l.label || names[l.kind]} ${fmtValue(l.value, fmt, lang)}`, position: axis === "yAxis" ? "insideEndTop" : "end", color: REF_COLOR[l.kind], fontSize: 11 },
    })),
  };
}

/** The axis tooltip: category, then one line per series. Every name and value is escaped (safeHtml.ts). */
export function axisTooltip(fmtOfSeries: (i: number) => Fmt, lang: Lang, opts: {
  /** the value to show when the drawn one is not it (100 % stacking draws shares) */
  raw?: (seriesIndex: number, dataIndex: number) => number | null;
  /** extra lines under the series (the 提示 shelf) */
  extra?: (dataIndex: number) => SafeHtml;
  /** a share shown after the value, in brackets */
  share?: (seriesIndex: number, dataIndex: number) => number | null;
} = {}) {
  const { raw, extra, share: shareOf } = opts;
  return (params: unknown) => {
    const list = (Array.isArray(params) ? params : [params]) as { axisValueLabel?: string; name?: string; marker?: string; seriesName?: string; seriesIndex: number; dataIndex: number; value: unknown }[];
    if (!list.length) return "";
    const head = list[0].axisValueLabel ?? list[0].name ?? "";
    const lines = list
      .filter((p) => p.seriesName !== "__base")
      .map((p) => {
        const v = raw ? raw(p.seriesIndex, p.dataIndex) : Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
        const sv = shareOf?.(p.seriesIndex, p.dataIndex);
        const share = sv === null || sv === undefined ? "" : `（${fmtValue(sv, "percent", lang)}）`;
        return html`${trusted(p.marker)}${p.seriesName}<span style="float:right;margin-left:16px;font-weight:600">${fmtValue(v as Cell, fmtOfSeries(p.seriesIndex), lang)}${share}</span>`;
      });
    return html`<div style="min-width:150px">${head}<br/>${joinHtml(lines, "<br/>")}${extra ? extra(list[0].dataIndex) : ""}</div>`.html;
  };
}

export function valueAxis(fmt: Fmt, lang: Lang, second = false) {
  return {
    type: "value",
    axisLabel: { formatter: (v: number) => fmtAxis(v, fmt, lang), color: "#5c6370", hideOverlap: true },
    splitLine: { lineStyle: { color: second ? "transparent" : "#eef0f3" } },
  };
}

export function categoryAxis(labels: string[], rotate: boolean) {
  return {
    type: "category",
    data: labels,
    axisTick: { alignWithLabel: true },
    axisLabel: { hideOverlap: true, color: "#5c6370", rotate: rotate ? 30 : 0, width: 90, overflow: "truncate" },
    axisLine: { lineStyle: { color: "#d0d5dd" } },
  };
}

/** Click on (series, category) → the row it draws. */
export function gridClick(result: QueryResult, grid: Grid, reversed: boolean): EChartsProps["click"] {
  return (p) => {
    if (p.dataIndex === undefined || grid.xi < 0) return null;
    const ci = reversed ? grid.cats.length - 1 - p.dataIndex : p.dataIndex;
    const cat = grid.cats[ci];
    const s = grid.series[p.seriesIndex ?? 0];
    const row = result.rows.find((r) => String(r[grid.xi]) === String(cat) && (grid.si < 0 || !s || String(r[grid.si]) === String(s.member)));
    const datum: ElementDatum = { field: result.columns[grid.xi].name, value: cat, row: rowObject(result, row) };
    if (grid.si >= 0 && s) datum.series = { field: result.columns[grid.si].name, value: s.member ?? null };
    return datum;
  };
}

/** Split bar charts: each member's 占比 line becomes the share labels of the member's bars. */
function sharesAsLabels(grid: Grid, kind: string): Grid {
  if (kind !== "bar") return grid;
  const shares = grid.series.filter((s) => s.companionOf !== undefined && s.col.compute === "percent_of_total");
  if (!shares.length) return grid;
  const series = grid.series.filter((s) => !shares.includes(s)).map((s) => ({ ...s }));
  for (const c of shares) series[c.companionOf!].share = c.values;
  return { ...grid, series };
}

/** A cartesian chart: bars and/or lines over categories. */
export function cartesian(result: QueryResult, chart: ChartConfig, ctx: TransformCtx, kind: "bar" | "line" | "area" | "combo"): EChartsProps {
  const { lang } = ctx;
  const grid = sharesAsLabels(toGrid(result, chart, lang, kind !== "combo"), kind);
  const time = isTime(grid.xCol);
  const horizontal = kind === "bar" && !!chart.horizontal && !time;
  const onFirst = grid.series.filter((s) => !s.second);
  const stack = chart.stack && chart.stack !== "none" && onFirst.length > 1 && kind !== "combo" ? chart.stack : null;
  const pct = stack === "percent" ? percentStack(onFirst.map((s) => s.values)) : null;
  const many = grid.cats.length > 30;
  const split = grid.series.some((s) => s.companionOf !== undefined);
  const at = (di: number) => (horizontal ? grid.cats.length - 1 - di : di); // data index → category index
  const series = grid.series.map((s, i) => {
    const type = kind === "combo" ? (s.second ? "line" : "bar") : kind === "line" || kind === "area" || s.second ? "line" : "bar";
    let data = pct && !s.second ? pct[onFirst.indexOf(s)] : s.values;
    if (horizontal) data = [...data].reverse();
    const out: Record<string, unknown> = {
      name: s.name,
      type,
      data,
      [horizontal ? "xAxisIndex" : "yAxisIndex"]: s.second ? 1 : 0,
      emphasis: { focus: "series" },
    };
    // a member and its quick-calculation line share the member's colour
    if (split) {
      const color = PALETTE[(s.companionOf ?? i) % PALETTE.length];
      out.itemStyle = { color };
      if (s.companionOf !== undefined) out.lineStyle = { color, type: "dashed", width: 1.5 };
    }
    if (stack && !s.second) out.stack = "total";
    // a crowded line hides its points until hovered — and a hovered point can still be clicked (为什么变化?)
    // growth lines beside bars are straight: a spline overshoots between categories
    if (type === "line") Object.assign(out, { smooth: kind === "bar" ? false : chart.smooth ?? true, symbol: "circle", showSymbol: !many, symbolSize: 6, connectNulls: false });
    if (type === "line" && !s.second && (kind === "area" || (kind === "line" && grid.series.length === 1))) out.areaStyle = { opacity: kind === "area" ? (stack ? 0.55 : 0.25) : 0.12 };
    if (type === "bar") Object.assign(out, { barMaxWidth: 36, itemStyle: { ...(out.itemStyle as object), borderRadius: stack ? 0 : horizontal ? [0, 4, 4, 0] : [4, 4, 0, 0] } });
    if (s.share && type === "bar") {
      const share = s.share;
      const f = pct ? "percent" : s.fmt;
      out.label = { show: true, position: stack ? "inside" : horizontal ? "right" : "top", fontSize: 11, color: stack ? "#fff" : "#4b5563",
        formatter: (p: { value: number | null; dataIndex: number }) => {
          const v = share[at(p.dataIndex)];
          if (v === null || v === undefined || p.value === null) return "";
          return chart.labels ? `${fmtValue(p.value, f, lang)} · ${fmtValue(v, "percent", lang)}` : fmtValue(v, "percent", lang);
        } };
      out.labelLayout = { hideOverlap: true };
    } else if (chart.labels) {
      const f = pct && !s.second ? "percent" : s.fmt;
      out.label = { show: true, position: stack && !s.second ? "inside" : horizontal ? "right" : "top", fontSize: 11, color: stack && !s.second ? "#fff" : "#4b5563", formatter: (p: { value: number }) => (p.value === null ? "" : fmtValue(p.value, f, lang)) };
      if (type === "line") out.labelLayout = { hideOverlap: true };
    }
    return out;
  });
  const primaryFmt = pct ? "percent" : onFirst[0]?.fmt ?? grid.series[0]?.fmt;
  const secondFmt = grid.series.find((s) => s.second)?.fmt;
  const ml = refMarkLine(chart.refLines, horizontal ? "xAxis" : "yAxis", primaryFmt, lang);
  if (ml && series[0]) series[0].markLine = ml;
  const labels = horizontal ? [...grid.labels].reverse() : grid.labels;
  const rotate = !horizontal && !time && grid.cats.length > 8 && Math.max(0, ...grid.labels.map((l) => l.length)) > 4;
  const cat = { ...categoryAxis(labels, rotate), boundaryGap: kind === "line" || kind === "area" ? false : true };
  const yAxes: object[] = [{ ...valueAxis(primaryFmt, lang), max: pct ? 1 : undefined }];
  if (grid.series.some((s) => s.second)) yAxes.push(valueAxis(secondFmt, lang, true));
  const raw = pct ? (si: number, di: number) => grid.series[si]?.values[at(di)] ?? null : undefined;
  const share = (si: number, di: number): number | null => {
    const s = grid.series[si];
    if (!s) return null;
    if (s.share) return s.share[at(di)] ?? null;
    return pct && !s.second ? pct[onFirst.indexOf(s)][at(di)] : null;
  };
  const legend = grid.series.length > 1;
  // 提示 shelf: extra metrics of the category's row (when split by a series, the tooltip shows the first member's row)
  const extra = chart.tooltip?.length
    ? (di: number) => {
        const cat = grid.cats[horizontal ? grid.cats.length - 1 - di : di];
        return extraTooltip(result, chart, result.rows.find((r) => String(r[grid.xi]) === String(cat)), lang);
      }
    : undefined;
  const option: EChartsCoreOption = {
    color: PALETTE,
    animationDuration: 400,
    grid: { left: 8, right: horizontal && chart.labels ? 56 : 24, top: (legend ? 36 : 16) + (ml ? 8 : 0), bottom: many && !horizontal ? 36 : 8, containLabel: true },
    legend: legend ? { top: 0, type: "scroll", icon: "roundRect", itemWidth: 12, itemHeight: 8 } : undefined,
    tooltip: { trigger: "axis", confine: true, axisPointer: { type: kind === "bar" || kind === "combo" ? "shadow" : "line" }, formatter: axisTooltip((i) => grid.series[i]?.fmt, lang, { raw, extra, share }) },
    xAxis: horizontal ? (yAxes.length > 1 ? yAxes : yAxes[0]) : cat,
    yAxis: horizontal ? cat : yAxes,
    dataZoom: many && !horizontal ? [{ type: "inside" }, { type: "slider", height: 16, bottom: 4 }] : undefined,
    series,
  };
  return { option, click: gridClick(result, grid, horizontal) };
}
