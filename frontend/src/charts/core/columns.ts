/**
 * Result columns: lookup, bilingual labels, category labels and value formatting (with a chart's
 * number-format override). Pure.
 */
import type { Cell, QueryResult, ResultColumn } from "../../api/client";
import { axisLabel, columnFormat, formatPeriod, formatValue, grainOf, type Fmt } from "../../format";
import type { Lang } from "../../i18n";
import { html, type SafeHtml } from "../../safeHtml";
import { en } from "../../i18n/en";
import { zh, type MessageKey } from "../../i18n/zh";
import type { ChartConfig, NumberFormat } from "./types";

export function colIndex(result: QueryResult, name: string | null | undefined): number {
  return name ? result.columns.findIndex((c) => c.name === name) : -1;
}

export const isNumeric = (c: ResultColumn | undefined) => !!c && (c.role === "metric" || c.type === "number" || c.type === "integer");
export const isTime = (c: ResultColumn | undefined) => !!c && (c.type === "date" || c.type === "timestamp");

/** English labels of metrics and fields (filled from the model when a page loads it). */
export const englishLabels = new Map<string, string>();

const COMPUTE_EN: Record<string, string> = { yoy: "YoY", pop: "PoP", percent_of_total: "share", cumulative: "cumulative", rank: "rank", yoy_value: "YoY change", pop_value: "PoP change" };

export function columnLabel(c: ResultColumn | undefined, lang: Lang): string {
  if (!c) return "";
  const dict = lang === "en" ? en : zh;
  const g = grainOf(c.name);
  if (g && (!c.label || c.label === c.name || (lang === "en" && !c.metric))) return dict[`period.${g}` as MessageKey];
  if (lang === "en") {
    const base = englishLabels.get(c.metric ?? c.name);
    if (base && c.compute) return `${base} ${COMPUTE_EN[c.compute] ?? c.compute}`;
    return base ?? c.name;
  }
  return c.label ?? c.name;
}

/** The category label of a dimension value (dates by grain). */
export function catLabel(v: Cell, col: ResultColumn | undefined, lang: Lang, none = "—"): string {
  if (isTime(col)) return formatPeriod(v, grainOf(col!.name), lang);
  if (v === null || v === undefined) return none;
  return formatValue(v, undefined, lang);
}

/** The first dimension column, or the named one. */
export function dimIndex(result: QueryResult, name?: string | null): number {
  const i = colIndex(result, name);
  return i >= 0 ? i : result.columns.findIndex((c) => c.role === "dimension" || (!c.role && !isNumeric(c)));
}

/** The metric columns to draw: the named ones first (chart.y), then the rest (computes after plain metrics). */
export function metricCols(result: QueryResult, chart: ChartConfig): ResultColumn[] {
  const skip = new Set([chart.size, ...(chart.tooltip ?? [])].filter(Boolean) as string[]);
  const named = (chart.y ?? []).map((n) => result.columns.find((c) => c.name === n)).filter((c): c is ResultColumn => !!c && !skip.has(c.name));
  const all = result.columns.filter((c) => c.role === "metric" && !skip.has(c.name));
  const rest = all.filter((c) => !named.includes(c));
  return named.length ? [...named, ...rest] : all.length ? all : result.columns.filter((c) => isNumeric(c) && !skip.has(c.name));
}

/** The value column (KPI, pie, gauge, funnel…): chart.value, else the first plain metric. */
export function valueCol(result: QueryResult, chart: ChartConfig): ResultColumn | undefined {
  return (
    result.columns.find((c) => c.name === chart.value) ??
    result.columns.find((c) => c.name === (chart.y ?? [])[0]) ??
    result.columns.find((c) => c.role === "metric" && !c.compute) ??
    result.columns.find((c) => isNumeric(c))
  );
}

/** The display format of a column under the chart's number-format override (computes keep theirs). */
export function fmtOf(c: ResultColumn | undefined, nf: NumberFormat | null | undefined): Fmt {
  const base = columnFormat(c);
  if (!nf || nf === "auto" || c?.compute === "rank") return base;
  if (c?.compute && base === "percent") return base;
  return nf;
}

/** A value under a chart's format (wan / yi stay in their fixed unit: the rules of ../../format). */
export const fmtValue = formatValue;

/** Axis tick labels: short, no currency sign. */
export const fmtAxis = axisLabel;

/** The row at index i as an object keyed by column name. */
export function rowObject(result: QueryResult, row: Cell[] | undefined): Record<string, Cell> | null {
  if (!row) return null;
  return Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]]));
}

/** The 提示 (tooltip) shelf's metrics of one row, as tooltip lines (empty when none); labels escaped. */
export function extraTooltip(result: QueryResult, chart: ChartConfig, row: Cell[] | undefined, lang: Lang): SafeHtml {
  if (!row || !chart.tooltip?.length) return html``;
  return html`${chart.tooltip.map((n) => {
    const i = colIndex(result, n);
    if (i < 0) return "";
    const c = result.columns[i];
    return html`<br/><span style="color:#86909c">${columnLabel(c, lang)}</span><span style="float:right;margin-left:16px">${fmtValue(row[i], fmtOf(c, chart.numberFormat), lang)}</span>`;
  })}`;
}
