/**
 * The chart builder's shelves and their QuerySpec. Pure.
 *
 * Shelves: 行/X 轴 (dims), 列/系列 (series), 指标 (metrics), 颜色 (color, a dimension), 大小 (size, a metric),
 * 提示 (tooltip, metrics), 筛选 (filters). Every dimension on dims/series/color becomes a QuerySpec dimension
 * (in that order, no duplicates); every metric on metrics/size/tooltip a metric, each quick calculation
 * (同比 yoy, 环比 pop, 占比 percent_of_total, 累计 cumulative, 排名 rank) an extra output named
 * `<metric>_<compute>`.
 */
import type { QuerySpec } from "../../api/client";
import type { ShelfSummary } from "./types";

export type Grain = "day" | "week" | "month" | "quarter" | "year";
export type Compute = "yoy" | "pop" | "percent_of_total" | "cumulative" | "rank";
export const COMPUTES: Compute[] = ["yoy", "pop", "percent_of_total", "cumulative", "rank"];
export const GRAINS: Grain[] = ["day", "week", "month", "quarter", "year"];
export const RANGES = ["this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year", "last_30_days", "last_90_days", "last_12_months"] as const;
/** a preset, "all" (no range) or "custom" (absolute dates in Shelves.dates) */
export type RangeKey = (typeof RANGES)[number] | "all" | "custom";
export type Aggregation = "sum" | "avg" | "min" | "max" | "median" | "count" | "count_distinct";
export const AGGREGATIONS: Aggregation[] = ["sum", "avg", "min", "max", "median", "count", "count_distinct"];
const AGG_LABELS: Record<Aggregation, [string, string]> = {
  sum: ["求和", "sum"], avg: ["平均值", "average"], min: ["最小值", "min"], max: ["最大值", "max"],
  median: ["中位数", "median"], count: ["计数", "count"], count_distinct: ["去重计数", "distinct count"],
};
export const aggLabel = (a: Aggregation, lang: "zh" | "en") => AGG_LABELS[a][lang === "zh" ? 0 : 1];

export interface FieldRef {
  kind: "metric" | "dimension" | "time" | "measure"; // measure: a dataset field used only inside metrics
  name: string; // metric name, "dataset.field", a shared dimension name, or "time"
  label: string;
  labelEn?: string | null;
  type?: string;
  format?: string;
  /** a dataset field: the aggregations the model allows for it on 指标 (menu order), and the one it starts with */
  aggs?: Aggregation[];
  defaultAgg?: Aggregation;
}
export interface DimItem {
  field: FieldRef;
  grain?: Grain;
}
export interface MetricPick {
  field: FieldRef; // a model metric, or (with agg) the ad-hoc output: name `<dataset.field>__<aggregate>`
  compute?: Compute;
  /** an ad-hoc aggregate of a dataset field (QuerySpec item {name, field, aggregate}) */
  agg?: { source: FieldRef; aggregate: Aggregation };
}
export interface FilterItem {
  field: FieldRef;
  values: string[];
}
export interface Shelves {
  dims: DimItem[]; // 行 / X 轴
  series?: DimItem[]; // 列 / 系列
  metrics: MetricPick[];
  color?: DimItem | null;
  size?: MetricPick | null;
  tooltip?: MetricPick[];
  filters: FilterItem[];
  range: RangeKey;
  /** range "custom": inclusive ISO dates; either end may be open */
  dates?: { start: string | null; end: string | null } | null;
  sort: "none" | "desc" | "asc";
  limit: number | null;
}

/** A dataset field aggregated on 指标 (the pill's menu changes `aggregate`; the output name follows it). */
export function aggPick(source: FieldRef, aggregate?: Aggregation, name?: string): MetricPick {
  const a = aggregate ?? source.defaultAgg ?? source.aggs?.[0] ?? "count_distinct";
  return {
    field: { kind: "metric", name: name ?? `${source.name}__${a}`, label: `${source.label}（${aggLabel(a, "zh")}）`,
      labelEn: `${source.labelEn ?? source.label} (${aggLabel(a, "en")})`, format: a === "count" || a === "count_distinct" ? "integer" : undefined },
    agg: { source, aggregate: a },
  };
}

/** The pill menu's choice: the same field with another aggregation (its quick calculation kept). */
export function setAggregate(m: MetricPick, aggregate: Aggregation): MetricPick {
  if (!m.agg || !(m.agg.source.aggs ?? AGGREGATIONS).includes(aggregate)) return m;
  return { ...aggPick(m.agg.source, aggregate), ...(m.compute ? { compute: m.compute } : {}) };
}

/** The menu's options for a pick: what the model allows for its field (none for a model metric). */
export const aggOptions = (m: MetricPick): Aggregation[] => (m.agg ? m.agg.source.aggs ?? [] : []);

export const computeName = (m: MetricPick) => (m.compute ? `${m.field.name}_${m.compute}` : m.field.name);
export const dimOutput = (d: DimItem) => (d.grain ? `${d.field.name.split(".").pop()}_${d.grain}` : d.field.name);
const isProvince = (d: DimItem | undefined) => !!d && !d.grain && d.field.name.split(".").pop() === "province";

/** Every dimension in spec order: dims, then series, then colour (each once). */
export function allDims(s: Shelves): DimItem[] {
  const out: DimItem[] = [];
  for (const d of [...s.dims, ...(s.series ?? []), ...(s.color ? [s.color] : [])]) {
    if (!out.some((o) => o.field.name === d.field.name)) out.push(d);
  }
  return out;
}

/** Every metric pick: metrics, size, tooltip (each output once). */
export function allMetrics(s: Shelves): MetricPick[] {
  const out: MetricPick[] = [];
  for (const m of [...s.metrics, ...(s.size ? [s.size] : []), ...(s.tooltip ?? [])]) {
    if (!out.some((o) => computeName(o) === computeName(m))) out.push(m);
  }
  return out;
}

export function toSpec(s: Shelves): Partial<QuerySpec> {
  const metrics: QuerySpec["metrics"] = [];
  const has = (name: string) => metrics.some((x) => (typeof x === "string" ? x : x.name) === name);
  for (const m of allMetrics(s)) {
    if (!has(m.field.name)) metrics.push(m.agg ? { name: m.field.name, field: m.agg.source.name, aggregate: m.agg.aggregate } : m.field.name);
    if (m.compute) metrics.push({ name: computeName(m), compute: { [m.compute]: m.field.name } });
  }
  const spec: Partial<QuerySpec> = {
    metrics,
    dimensions: allDims(s).map((d) => (d.grain ? { field: d.field.name, grain: d.grain } : d.field.name)),
    where: s.filters.filter((f) => f.values.length).map((f) => ({ field: f.field.name, op: "in", values: f.values })) as QuerySpec["where"],
  };
  if (s.range === "custom") {
    const { start, end } = s.dates ?? { start: null, end: null };
    if (start || end) spec.time_range = { field: "time", ...(start ? { start } : {}), ...(end ? { end } : {}) };
  } else if (s.range !== "all") spec.time_range = { field: "time", relative: s.range };
  if (s.sort !== "none" && s.metrics.length) spec.order_by = [{ field: s.metrics[0].field.name, desc: s.sort === "desc" }];
  if (s.limit) spec.limit = s.limit;
  return spec;
}

/** The shelves as the fit rules see them. */
export function summarize(s: Shelves, extra: { rowCount?: number; longLabels?: boolean } = {}): ShelfSummary {
  const dims = allDims(s);
  const plain = s.metrics.filter((m) => !m.compute);
  const first = dims.find((d) => !d.grain);
  return {
    timeDims: dims.filter((d) => d.grain).length,
    otherDims: dims.filter((d) => !d.grain).length,
    province: isProvince(first),
    metrics: plain.length || (s.metrics.length ? 1 : 0),
    outputs: s.metrics.length,
    computes: s.metrics.filter((m) => m.compute).map((m) => m.compute as string),
    units: new Set(plain.map((m) => m.field.format ?? "number")).size,
    formats: plain.map((m) => m.field.format ?? "number"),
    size: !!s.size,
    color: !!s.color,
    rowCount: extra.rowCount ?? undefined,
    longLabels: extra.longLabels,
    sorted: s.sort !== "none" || !!s.limit,
  };
}

/** A spec (e.g. from a dashboard or an answer) as the fit rules see it. */
export function summarizeSpec(spec: Partial<QuerySpec>, formats: Record<string, string | undefined> = {}, rowCount?: number): ShelfSummary {
  const dims = (spec.dimensions ?? []).map((d) => (typeof d === "string" ? { field: d, grain: undefined } : (d as { field: string; grain?: string })));
  const outs = (spec.metrics ?? []).map((m) => (typeof m === "string" ? { name: m, kind: undefined } : { name: (m as { name: string }).name, kind: Object.keys((m as { compute?: object }).compute ?? {})[0] }));
  const plain = outs.filter((o) => !o.kind);
  const first = dims.find((d) => !d.grain);
  return {
    timeDims: dims.filter((d) => d.grain).length,
    otherDims: dims.filter((d) => !d.grain).length,
    province: !!first && first.field.split(".").pop() === "province",
    metrics: plain.length || (outs.length ? 1 : 0),
    outputs: outs.length,
    computes: outs.filter((o) => o.kind).map((o) => o.kind as string),
    units: new Set(plain.map((o) => formats[o.name] ?? "number")).size,
    formats: plain.map((o) => formats[o.name] ?? "number"),
    size: false,
    color: false,
    rowCount,
    sorted: !!(spec.order_by?.length || spec.limit),
  };
}
