/**
 * The chart builder's state → QuerySpec, and the chart recommendation (a port of the server's
 * shuzhi.ai.nl.chart rules, so the picker can preselect and grey out types without a round trip).
 */
import type { ChartRec, QuerySpec } from "../../api/client";

export type Grain = "day" | "week" | "month" | "quarter" | "year";
export type Compute = "yoy" | "pop" | "percent_of_total" | "cumulative" | "rank";
export type ChartType = "bar" | "line" | "pie" | "map" | "table" | "kpi";
export const CHART_TYPES: ChartType[] = ["bar", "line", "pie", "map", "table", "kpi"];
export const COMPUTES: Compute[] = ["yoy", "pop", "percent_of_total", "cumulative", "rank"];
export const GRAINS: Grain[] = ["day", "week", "month", "quarter", "year"];
export const RANGES = ["this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year", "last_30_days", "last_90_days", "last_12_months"] as const;
export type RangeKey = (typeof RANGES)[number] | "all";

export interface FieldRef {
  kind: "metric" | "dimension" | "time";
  name: string; // metric name, "dataset.field", a shared dimension name, or "time"
  label: string;
  labelEn?: string | null;
  type?: string;
  format?: string;
}
export interface DimItem {
  field: FieldRef;
  grain?: Grain;
}
export interface MetricPick {
  field: FieldRef;
  compute?: Compute;
}
export interface FilterItem {
  field: FieldRef;
  values: string[];
}
export interface BuilderState {
  dims: DimItem[];
  metrics: MetricPick[];
  filters: FilterItem[];
  range: RangeKey;
  sort: "none" | "desc" | "asc";
  limit: number | null;
}

export const computeName = (m: MetricPick) => (m.compute ? `${m.field.name}_${m.compute}` : m.field.name);
export const dimOutput = (d: DimItem) => (d.grain ? `${d.field.name.split(".").pop()}_${d.grain}` : d.field.name);

export function toSpec(s: BuilderState): Partial<QuerySpec> {
  const metrics: QuerySpec["metrics"] = [];
  for (const m of s.metrics) {
    if (!metrics.includes(m.field.name)) metrics.push(m.field.name);
    if (m.compute) metrics.push({ name: computeName(m), compute: { [m.compute]: m.field.name } });
  }
  const spec: Partial<QuerySpec> = {
    metrics,
    dimensions: s.dims.map((d) => (d.grain ? { field: d.field.name, grain: d.grain } : d.field.name)),
    where: s.filters.filter((f) => f.values.length).map((f) => ({ field: f.field.name, op: "in", values: f.values })) as QuerySpec["where"],
  };
  if (s.range !== "all") spec.time_range = { field: "time", relative: s.range };
  if (s.sort !== "none" && s.metrics.length) spec.order_by = [{ field: s.metrics[0].field.name, desc: s.sort === "desc" }];
  if (s.limit) spec.limit = s.limit;
  return spec;
}

/** Which chart types can show the current shelves, and the recommended one. */
export function chartChoices(s: BuilderState, rowCount?: number): { fits: Record<ChartType, boolean>; recommended: ChartType } {
  const timeDims = s.dims.filter((d) => d.grain);
  const otherDims = s.dims.filter((d) => !d.grain);
  const nm = s.metrics.length;
  const province = otherDims.length === 1 && timeDims.length === 0 && otherDims[0].field.name.split(".").pop() === "province";
  const fits: Record<ChartType, boolean> = {
    kpi: nm >= 1 && s.dims.length === 0,
    line: nm >= 1 && s.dims.length >= 1 && s.dims.length <= 2,
    bar: nm >= 1 && s.dims.length >= 1 && s.dims.length <= 2,
    pie: nm >= 1 && s.dims.length === 1 && timeDims.length === 0,
    map: nm >= 1 && province,
    table: nm + s.dims.length >= 1,
  };
  let recommended: ChartType;
  const share = s.metrics.some((m) => m.compute === "percent_of_total");
  if (!s.dims.length) recommended = nm ? "kpi" : "table";
  else if (timeDims.length) recommended = s.dims.length > 2 ? "table" : "line";
  else if (province) recommended = "map";
  else if (share && otherDims.length === 1 && (rowCount ?? s.limit ?? 99) <= 6) recommended = "pie";
  else if (otherDims.length > 2) recommended = "table";
  else recommended = "bar";
  return { fits, recommended };
}

/** The ChartRec for the renderer. */
export function chartRec(s: BuilderState, type: ChartType, longLabels: boolean): ChartRec {
  const time = s.dims.find((d) => d.grain);
  const others = s.dims.filter((d) => !d.grain);
  const x = time ? dimOutput(time) : others[0] ? dimOutput(others[0]) : null;
  const series = time ? (others[0] ? dimOutput(others[0]) : undefined) : others[1] ? dimOutput(others[1]) : undefined;
  const y = s.metrics.map((m) => m.field.name).filter((v, i, a) => a.indexOf(v) === i);
  const compare = s.metrics.find((m) => m.compute === "yoy" || m.compute === "pop");
  const share = s.metrics.find((m) => m.compute === "percent_of_total");
  return {
    type,
    x,
    y: [...y, ...s.metrics.filter((m) => m.compute).map(computeName)],
    series,
    horizontal: type === "bar" && !time && longLabels,
    line_y2: s.metrics.filter((m) => m.compute === "yoy" || m.compute === "pop" || m.compute === "percent_of_total").map(computeName),
    value: type === "kpi" ? y[0] : type === "pie" ? (share ? y[0] : y[0]) : undefined,
    compare: compare ? computeName(compare) : undefined,
    region: type === "map" ? x ?? undefined : undefined,
    donut: true,
  };
}
