/**
 * 透视表: 行/X dimensions down the side, 列/系列 dimensions across the top, metrics in the cells, with row
 * and column subtotals (小计) and grand totals (合计). Totals are never summed in the browser (ratios and
 * distinct counts do not add up): each subtotal level is its own QuerySpec with fewer dimensions
 * (pivotLevelSpecs), answered by the server.
 */
import type { QuerySpec } from "../../../api/client";
import { baseQuery } from "../../core/query";
import { dimOutput, type Shelves } from "../../core/shelves";

export function buildQuery(s: Shelves) {
  const q = baseQuery(s, "pivot");
  const rows = s.dims.map(dimOutput);
  q.chart.rows = rows;
  q.chart.columns = [...(s.series ?? []), ...(s.color ? [s.color] : [])].map(dimOutput).filter((c) => !rows.includes(c));
  q.chart.subtotals = true;
  q.chart.totals = true;
  q.chart.series = undefined;
  return q;
}

type DimItem = QuerySpec["dimensions"][number];

/** The output column name of a spec dimension item (as the server names it). */
export function dimOutputOf(d: DimItem): string {
  if (typeof d === "string") return d;
  const o = d as { name?: string | null; field: string; grain?: string | null };
  if (o.name) return o.name;
  return o.grain ? `${o.field.split(".").pop()}_${o.grain}` : o.field;
}

/** The level key: k row dimensions × j column dimensions. */
export const levelKey = (k: number, j: number) => `${k}|${j}`;

type MetricItem = QuerySpec["metrics"][number];
const hasGrain = (d: DimItem) => typeof d !== "string" && !!(d as { grain?: string | null }).grain;

/**
 * The quick calculations a level (a subtotal or total with fewer dimensions) keeps: those that mean the
 * same thing there, computed by the server from the level's own totals.
 * - 同比/环比 (yoy, pop and their _value forms): when the level keeps a time dimension, or the spec has a time
 *   range (the total's 同比 compares the whole range with the year before; 环比 with the range just before);
 * - 占比 (percent_of_total): always (the share of the level's cells; see assemblePivot for the one level
 *   whose share is 100 % by definition);
 * - 累计 (cumulative): when the level keeps the time dimension it runs along;
 * - 排名 (rank): when the level keeps a dimension other than time (a rank among the level's members).
 * Others are left out and their total cells show —.
 */
export function levelMetrics(spec: Partial<QuerySpec>, levelDims: DimItem[]): MetricItem[] {
  const tr = spec.time_range as { relative?: string | null; start?: string | null; end?: string | null } | null | undefined;
  const ranged = !!tr && (!!tr.relative || (!!tr.start && !!tr.end));
  const time = levelDims.some(hasGrain);
  const other = levelDims.some((d) => !hasGrain(d));
  return (spec.metrics ?? []).filter((m) => {
    if (typeof m === "string") return true;
    const kind = Object.keys((m as { compute?: Record<string, string> | null }).compute ?? {})[0];
    if (kind === "yoy" || kind === "pop" || kind === "yoy_value" || kind === "pop_value") return time || ranged;
    if (kind === "percent_of_total") return true;
    if (kind === "cumulative") return time;
    if (kind === "rank") return other;
    return false;
  });
}

/**
 * The extra queries a pivot needs: one per (k, j) with k ∈ {R} ∪ subtotal levels 1..R-1 ∪ {0 if totals}
 * and j likewise over the C column dimensions, except (R, C) — the main result. Every plain metric and the
 * quick calculations that keep their meaning at the level (levelMetrics), no order or limit (totals cover
 * every row).
 */
export function pivotLevelSpecs(spec: Partial<QuerySpec>, rows: string[], cols: string[], subtotals: boolean, totals: boolean): { key: string; spec: Partial<QuerySpec> }[] {
  const byName = new Map((spec.dimensions ?? []).map((d) => [dimOutputOf(d), d]));
  const R = rows.length;
  const C = cols.length;
  const ks = new Set<number>([R]);
  const js = new Set<number>([C]);
  if (subtotals) {
    for (let k = 1; k < R; k++) ks.add(k);
    for (let j = 1; j < C; j++) js.add(j);
  }
  if (totals) {
    ks.add(0);
    if (C > 0) js.add(0);
  }
  const out: { key: string; spec: Partial<QuerySpec> }[] = [];
  for (const k of [...ks].sort()) {
    for (const j of [...js].sort()) {
      if (k === R && j === C) continue;
      const dims = [...rows.slice(0, k), ...cols.slice(0, j)].map((n) => byName.get(n)).filter((d): d is DimItem => d !== undefined);
      const { order_by: _o, limit: _l, having: _h, ...rest } = spec;
      void _o;
      void _l;
      void _h;
      out.push({ key: levelKey(k, j), spec: { ...rest, metrics: levelMetrics(spec, dims), dimensions: dims } });
    }
  }
  return out;
}
