/**
 * Name/value items for one-dimension charts (pie, funnel, treemap, map): one item per row, labelled by
 * the dimension, valued by the value column; the click resolver maps an item back to its row. Pure.
 */
import type { Cell, QueryResult, ResultColumn } from "../../api/client";
import type { Fmt } from "../../format";
import type { Lang } from "../../i18n";
import { catLabel, dimIndex, fmtOf, rowObject, valueCol } from "./columns";
import type { ChartConfig, EChartsProps } from "./types";

export interface Item {
  name: string;
  raw: Cell;
  value: number | null;
  rowIndex: number;
}

export function items(result: QueryResult, chart: ChartConfig, lang: Lang, dim?: string | null): { items: Item[]; di: number; vCol: ResultColumn | undefined; fmt: Fmt } {
  const di = dimIndex(result, dim ?? chart.x);
  const vCol = valueCol(result, chart);
  const vi = vCol ? result.columns.indexOf(vCol) : -1;
  const list = result.rows.map((r, i) => ({ name: catLabel(r[di], result.columns[di], lang, "—"), raw: r[di], value: vi >= 0 ? (r[vi] as number | null) : null, rowIndex: i }));
  return { items: list, di, vCol, fmt: fmtOf(vCol, chart.numberFormat) };
}

/** Keep the `max` largest items and fold the rest into one "其他 / Other" item (pie slices stay readable). */
export function foldSmall(list: Item[], max: number, lang: Lang): Item[] {
  if (list.length <= max) return list;
  const sorted = [...list].sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const keep = sorted.slice(0, max - 1);
  const rest = sorted.slice(max - 1).reduce((a, x) => a + (x.value ?? 0), 0);
  return [...keep, { name: lang === "zh" ? "其他" : "Other", raw: null, value: rest, rowIndex: -1 }];
}

/** Click on an item (data carries rowIndex) → its row. */
export function itemClick(result: QueryResult, di: number): EChartsProps["click"] {
  return (p) => {
    const idx = (p.data as { rowIndex?: number } | undefined)?.rowIndex;
    if (idx === undefined || idx < 0 || di < 0) return null;
    const row = result.rows[idx];
    return { field: result.columns[di].name, value: row[di], row: rowObject(result, row) };
  };
}
