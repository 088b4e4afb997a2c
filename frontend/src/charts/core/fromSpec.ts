/**
 * The inverse of toSpec: a saved chart (a dashboard component's QuerySpec and chart config) back onto
 * the analysis page's shelves, so the chart can be edited there and saved back. Pure.
 *
 * Covers what the analysis page can express: metrics (with one quick calculation each), ad-hoc aggregates
 * of dataset fields ({name, field, aggregate}), dimensions (with a time grain), `in`/`=` filters on
 * dimensions, a relative or absolute (start/end, either open) time range on `time`, a sort on the first
 * metric, a row limit. Anything else (a range on another field, other operators, HAVING, a sort on a
 * dimension, custom output names the chart refers to) is reported instead of silently dropped.
 */
import type { QuerySpec } from "../../api/client";
import { COMPUTES, RANGES, aggPick, type Aggregation, type Compute, type DimItem, type FieldRef, type FilterItem, type Grain, type MetricPick, type RangeKey, type Shelves } from "./shelves";
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
  // The chart's series dimension goes onto 列/系列; the rest stay on 行/X.
  const seriesCol = chart?.series;
  const series = seriesCol ? dims.filter((d) => !d.grain && (d.field.name === seriesCol || d.field.name.split(".").pop() === seriesCol)) : [];
  const shelves: Shelves = {
    dims: dims.filter((d) => !series.includes(d)),
    series,
    metrics: picks,
    color: null,
    size: null,
    tooltip: [],
    filters,
    range,
    ...(dates ? { dates } : {}),
    sort,
    limit: spec.limit ?? null,
  };
  const options: Partial<ChartConfig> = {};
  for (const k of OPTION_KEYS) if (chart && chart[k] !== undefined) (options as Record<string, unknown>)[k] = chart[k];
  return { shelves, type: chart?.type ?? "bar", options, unsupported };
}
