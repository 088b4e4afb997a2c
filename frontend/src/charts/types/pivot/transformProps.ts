import type { Cell, QueryResult } from "../../../api/client";
import { catLabel, columnLabel, fmtOf, isTime, metricCols } from "../../core/columns";
import type { ChartConfig, TransformCtx } from "../../core/types";
import { levelKey } from "./buildQuery";
import type { Fmt } from "../../../format";

export type PathKind = "leaf" | "subtotal" | "total";
export interface PivotCol {
  path: Cell[];
  labels: string[];
  kind: PathKind;
}
export interface PivotRow {
  path: Cell[];
  labels: string[];
  kind: PathKind;
  cells: Cell[]; // per column × metric
}
export interface PivotModel {
  rowTitles: string[];
  colTitles: string[];
  metrics: { name: string; label: string; fmt: Fmt }[];
  cols: PivotCol[];
  rows: PivotRow[];
}

const key = (vals: Cell[]) => JSON.stringify(vals);

/** Distinct paths of the given dims in first-appearance order (time values ascending), grouped by prefix. */
function paths(result: QueryResult, idx: number[]): Cell[][] {
  const seen = new Map<string, Cell[]>();
  for (const r of result.rows) {
    const p = idx.map((i) => r[i]);
    if (!seen.has(key(p))) seen.set(key(p), p);
  }
  const order = new Map<string, number>();
  let n = 0;
  const list = [...seen.values()];
  // group by each prefix in first-appearance order; time columns sort ascending
  const cmp = (a: Cell[], b: Cell[]): number => {
    for (let d = 0; d < idx.length; d++) {
      if (a[d] === b[d]) continue;
      if (isTime(result.columns[idx[d]])) return String(a[d]).localeCompare(String(b[d]));
      const ka = key(a.slice(0, d + 1));
      const kb = key(b.slice(0, d + 1));
      if (!order.has(ka)) order.set(ka, n++);
      if (!order.has(kb)) order.set(kb, n++);
      return order.get(ka)! - order.get(kb)!;
    }
    return 0;
  };
  list.forEach((p) => idx.forEach((_, d) => !order.has(key(p.slice(0, d + 1))) && order.set(key(p.slice(0, d + 1)), n++)));
  return list.sort(cmp);
}

/** Leaves with a subtotal after each prefix group (levels 1..depth-1) and a total at the end. */
function withTotals(leaves: Cell[][], depth: number, subtotals: boolean, totals: boolean): { path: Cell[]; kind: PathKind }[] {
  const out: { path: Cell[]; kind: PathKind }[] = [];
  leaves.forEach((p, i) => {
    out.push({ path: p, kind: "leaf" });
    const next = leaves[i + 1];
    if (subtotals)
      for (let d = depth - 1; d >= 1; d--) {
        if (!next || key(next.slice(0, d)) !== key(p.slice(0, d))) out.push({ path: p.slice(0, d), kind: "subtotal" });
      }
  });
  if (totals && depth > 0) out.push({ path: [], kind: "total" });
  return out;
}

/**
 * The pivot from the main result and the level results (key "k|j", see pivotLevelSpecs). Subtotal and
 * total rows/columns appear only for levels present in `levels`: nothing is summed here.
 */
export function assemblePivot(result: QueryResult, chart: ChartConfig, levels: Map<string, QueryResult>, ctx: TransformCtx): PivotModel {
  const zh = ctx.lang === "zh";
  const idxOf = (n: string) => result.columns.findIndex((c) => c.name === n);
  const rowNames = (chart.rows ?? result.columns.filter((c) => c.role === "dimension").map((c) => c.name)).filter((n) => idxOf(n) >= 0);
  const colNames = (chart.columns ?? []).filter((n) => idxOf(n) >= 0 && !rowNames.includes(n));
  const ri = rowNames.map(idxOf);
  const ci = colNames.map(idxOf);
  const metrics = metricCols(result, { ...chart, size: undefined, tooltip: [] });
  const R = ri.length;
  const C = ci.length;
  const all = new Map(levels);
  all.set(levelKey(R, C), result);
  const has = (k: number, j: number) => all.has(levelKey(k, j));
  // index each level: key(row path + col path) → row
  const index = new Map<string, { res: QueryResult; map: Map<string, Cell[]> }>();
  for (const [lk, res] of all) {
    const [k, j] = lk.split("|").map(Number);
    const names = [...rowNames.slice(0, k), ...colNames.slice(0, j)];
    const pos = names.map((n) => res.columns.findIndex((c) => c.name === n));
    index.set(lk, { res, map: new Map(res.rows.map((r) => [key(pos.map((p) => r[p])), r])) });
  }
  // The server's 占比 partitions by the time dimension when the query has one beside other dimensions (each
  // member's share within its period): a level left with only that time dimension is the period's own
  // total, 100 % of itself, where the level query alone would give the period's share of all periods.
  const dimNames = [...rowNames, ...colNames];
  const byPeriod = dimNames.length > 1 && dimNames.some((n) => isTime(result.columns[idxOf(n)]));
  const periodOnly = (k: number, j: number) => {
    const names = [...rowNames.slice(0, k), ...colNames.slice(0, j)];
    return byPeriod && names.length === 1 && isTime(result.columns[idxOf(names[0])]);
  };
  const lookup = (rp: Cell[], cp: Cell[], m: string): Cell => {
    const lvl = index.get(levelKey(rp.length, cp.length));
    if (!lvl) return null;
    const r = lvl.map.get(key([...rp, ...cp]));
    const mi = lvl.res.columns.findIndex((c) => c.name === m);
    if (!r || mi < 0) return null;
    const col = lvl.res.columns[mi];
    if (col.compute === "percent_of_total" && periodOnly(rp.length, cp.length)) {
      const base = lvl.res.columns.findIndex((c) => c.name === col.metric && !c.compute);
      return base >= 0 && r[base] !== null && r[base] !== 0 ? 1 : null;
    }
    return r[mi];
  };
  const label = (p: Cell[], idx: number[]) => p.map((v, d) => catLabel(v, result.columns[idx[d]], ctx.lang));
  const sub = zh ? "小计" : "Subtotal";
  const tot = zh ? "合计" : "Total";
  const colPaths = C ? withTotals(paths(result, ci), C, true, true).filter((c) => has(R, c.path.length)) : [{ path: [] as Cell[], kind: "leaf" as PathKind }];
  const cols: PivotCol[] = colPaths.map((c) => ({ ...c, labels: c.kind === "total" ? [tot] : c.kind === "subtotal" ? [...label(c.path, ci), sub] : label(c.path, ci) }));
  const rowPaths = R ? withTotals(paths(result, ri), R, true, true).filter((r) => has(r.path.length, C)) : [{ path: [] as Cell[], kind: "leaf" as PathKind }];
  const rows: PivotRow[] = rowPaths.map((r) => ({
    ...r,
    labels: r.kind === "total" ? [tot] : r.kind === "subtotal" ? [...label(r.path, ri), sub] : label(r.path, ri),
    cells: cols.flatMap((c) => metrics.map((m) => lookup(r.path, c.path, m.name))),
  }));
  return {
    rowTitles: ri.map((i) => columnLabel(result.columns[i], ctx.lang)),
    colTitles: ci.map((i) => columnLabel(result.columns[i], ctx.lang)),
    metrics: metrics.map((m) => ({ name: m.name, label: columnLabel(m, ctx.lang), fmt: fmtOf(m, chart.numberFormat) })),
    cols,
    rows,
  };
}

/** Without level results the pivot is a plain cross-tab (the component fetches the levels when it has the spec). */
export const transformProps = (result: QueryResult, chart: ChartConfig, ctx: TransformCtx) => assemblePivot(result, chart, new Map(), ctx);

/**
 * The row-header cells of a pivot row: leaves repeat no parent label already shown on the row above;
 * a subtotal row reads "<parent> 小计" spanning the remaining header columns; the total row "合计" spans all.
 */
export function rowHeader(row: PivotRow, prev: PivotRow | undefined, depth: number): { text: string; span: number }[] {
  if (depth === 0) return [];
  if (row.kind === "total") return [{ text: row.labels[0], span: depth }];
  if (row.kind === "subtotal") {
    const k = row.path.length;
    return [...Array.from({ length: k - 1 }, () => ({ text: "", span: 1 })), { text: `${row.labels[k - 1]} ${row.labels[k]}`, span: depth - k + 1 }];
  }
  return row.labels.map((text, d) => {
    const same = prev && prev.kind === "leaf" && d < depth - 1 && key(prev.path.slice(0, d + 1)) === key(row.path.slice(0, d + 1));
    return { text: same ? "" : text, span: 1 };
  });
}
