/**
 * The inverse of toSpec: a saved chart (a dashboard component's QuerySpec and chart config) back onto
 * the analysis page's shelves, so the chart can be edited there and saved back. Pure.
 *
 * Covers what the analysis page can express: metrics (with one quick calculation each), ad-hoc aggregates
 * of dataset fields ({name, field, aggregate}), dimensions (with a time grain) on 行/X, 列/系列 and 颜色,
 * 大小 and 提示 metrics (from the chart's column roles), `in`/`=` filters on dimensions, a relative or
 * absolute (start/end, either open) time range on `time`, a sort on the first metric, a row limit.
 * Anything else (a range on another field, other operators, HAVING, a sort on a dimension, custom output
 * names the chart refers to) is reported instead of silently dropped.
 */
import type { QuerySpec } from "../../api/client";
import { chartType } from "../registry";
import { COMPUTES, RANGES, aggPick, computeName, dimOutput, type Aggregation, type Compute, type DimItem, type FieldRef, type FilterItem, type Grain, type MetricPick, type RangeKey, type Shelves } from "./shelves";
import type { ChartConfig } from "./types";

export type Resolve = (name: string, kind: "metric" | "dimension") => FieldRef | null;

export interface FromSpec {
  shelves: Shelves;
  type: string;
  options: Partial<ChartConfig>;
  /** what the shelves cannot express (empty when the chart round-trips) */
  unsupported: string[];
}

const OPTION_KEYS = ["stack", "labels", "smooth", "numberFormat", "refLines", "subtotals", "totals", "pageSize", "cond", "max",
  "horizontal", "donut"] as const;

/** A resolver over the analysis page's field list: exact names first, then a unique field name. */
export function resolverOf(fields: FieldRef[]): Resolve {
  return (name, kind) => {
    const pool = fields.filter((f) => (kind === "metric" ? f.kind === "metric" : f.kind !== "metric"));
    const exact = pool.find((f) => f.name === name);
    if (exact) return exact;
    const short = pool.filter((f) => f.name.split(".").pop() === name);
    return short.length === 1 ? short[0] : null;
  };
}

/** A JSON value without null/undefined members and empty lists, keys sorted: what a spec or chart config means. */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  return v;
}

/** Whether two {spec, chart} pairs draw the same chart (nulls, absent options and empty lists are alike). */
export function sameChart(a: { spec: unknown; chart: unknown }, b: { spec: unknown; chart: unknown }): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export function fromSpec(spec: Partial<QuerySpec>, chart: Partial<ChartConfig> | undefined, resolve: Resolve): FromSpec {
  const unsupported: string[] = [];
  const picks: MetricPick[] = [];
  for (const m of spec.metrics ?? []) {
    if (typeof m === "string") {
      const f = resolve(m, "metric");
      if (f) picks.push({ field: f });
      else unsupported.push(`metric ${m}`);
      continue;
    }
    const obj = m as { name: string; compute?: Record<string, string>; field?: string | null; aggregate?: Aggregation | null };
    if (obj.field && obj.aggregate) {
      const src = resolve(obj.field, "dimension");
      if (src) picks.push(aggPick(src, obj.aggregate, obj.name));
      else unsupported.push(`metric ${obj.name}`);
      continue;
    }
    const [kind, base] = Object.entries(obj.compute ?? {})[0] ?? [];
    const adhoc = picks.find((p) => p.agg && p.field.name === base);
    const f = adhoc ? adhoc.field : base ? resolve(base, "metric") : null;
    if (!f || !COMPUTES.includes(kind as Compute)) {
      unsupported.push(`metric ${obj.name}`);
      continue;
    }
    const plain = picks.findIndex((p) => p.field.name === base && !p.compute);
    // toSpec writes a computed metric right after its base; the page shows the pair as one pick.
    const pick: MetricPick = adhoc ? { ...adhoc, compute: kind as Compute } : { field: f, compute: kind as Compute };
    if (plain >= 0) picks.splice(plain, 1, pick);
    else picks.push(pick);
  }
  const dims: DimItem[] = [];
  for (const d of spec.dimensions ?? []) {
    const o = typeof d === "string" ? { field: d } : (d as { field: string; grain?: Grain | null });
    const f = o.field === "time" ? ({ kind: "time", name: "time", label: "时间", labelEn: "Time", type: "date" } as FieldRef) : resolve(o.field, "dimension");
    if (!f) {
      unsupported.push(`dimension ${o.field}`);
      continue;
    }
    dims.push(o.grain ? { field: f, grain: o.grain } : { field: f });
  }
  const filters: FilterItem[] = [];
  for (const w of (spec.where ?? []) as Array<Record<string, unknown>>) {
    const field = typeof w.field === "string" ? resolve(w.field, "dimension") : null;
    const values = w.op === "in" ? (w.values as unknown[]) : w.op === "=" ? [w.value] : null;
    if (!field || !values) {
      unsupported.push(`filter ${JSON.stringify(w)}`);
      continue;
    }
    filters.push({ field, values: values.map(String) });
  }
  let range: RangeKey = "all";
  let dates: Shelves["dates"] = null;
  const tr = spec.time_range as { field?: string; relative?: string | null; start?: string | null; end?: string | null } | undefined;
  if (tr) {
    const onTime = (tr.field ?? "time") === "time";
    if (onTime && tr.relative && (RANGES as readonly string[]).includes(tr.relative)) range = tr.relative as RangeKey;
    else if (onTime && !tr.relative && (tr.start || tr.end)) {
      range = "custom";
      dates = { start: tr.start ?? null, end: tr.end ?? null };
    } else unsupported.push(`time_range ${JSON.stringify(tr)}`);
  }
  if (spec.having?.length) unsupported.push("having");
  let sort: Shelves["sort"] = "none";
  const ob = spec.order_by?.[0] as { field: string; desc?: boolean } | undefined;
  if (ob) {
    if (picks[0] && ob.field === picks[0].field.name) sort = ob.desc ? "desc" : "asc";
    else if (!dims.some((d) => (d.grain ? d.grain === ob.field || `${d.field.name.split(".").pop()}_${d.grain}` === ob.field : false)))
      unsupported.push(`order_by ${ob.field}`);
  }
  // The chart's column roles put each field back on its shelf: 颜色 (chart.color, the last dimension toSpec
  // writes), 列/系列 (chart.series, or a pivot's chart.columns), 大小 (chart.size) and 提示 (chart.tooltip,
  // metrics that are not drawn on y); the rest stay on 行/X and 指标.
  const names = (col: string | null | undefined) => (d: DimItem) => !!col && (dimOutput(d) === col || (!d.grain && d.field.name.split(".").pop() === col));
  const last = dims[dims.length - 1];
  const color = chart?.color && last && names(chart.color)(last) && dims.length > 1 ? last : null;
  const rest = dims.filter((d) => d !== color);
  const seriesCols = chart?.type === "pivot" ? chart.columns ?? [] : chart?.series && chart.series !== chart.color ? [chart.series] : [];
  const series = rest.filter((d) => seriesCols.some((c) => names(c)(d)));
  const drawn = new Set(chart?.y ?? []);
  const offY = (name: string | null | undefined) => (p: MetricPick) => !!name && computeName(p) === name && !drawn.has(p.field.name);
  const size = picks.find(offY(chart?.size)) ?? null;
  const tooltip = picks.filter((p) => p !== size && (chart?.tooltip ?? []).some((n) => offY(n)(p)));
  const shelves: Shelves = {
    dims: rest.filter((d) => !series.includes(d)),
    series,
    metrics: picks.filter((p) => p !== size && !tooltip.includes(p)),
    color,
    size,
    tooltip,
    filters,
    range,
    ...(dates ? { dates } : {}),
    sort,
    limit: spec.limit ?? null,
  };
  // a type's own default order (pie and funnel: largest first) is not a sort the user chose
  const type = chart?.type ?? "bar";
  if (sort !== "none" && !chart?.sorted) {
    const own = chartType(type).buildQuery({ ...shelves, sort: "none" }).spec.order_by;
    if (JSON.stringify(own) === JSON.stringify(spec.order_by)) shelves.sort = "none";
  }
  const options: Partial<ChartConfig> = {};
  for (const k of OPTION_KEYS) if (chart && chart[k] !== undefined) (options as Record<string, unknown>)[k] = chart[k];
  return { shelves, type, options, unsupported };
}
