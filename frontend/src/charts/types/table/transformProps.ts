import type { CSSProperties } from "react";
import type { Cell, QueryResult } from "../../../api/client";
import { changeColor } from "../../../changes";
import type { Fmt } from "../../../format";
import { columnLabel, fmtOf, isNumeric, isTime } from "../../core/columns";
import type { ChartConfig, CondRule, TransformCtx } from "../../core/types";

export interface TableColumn {
  index: number;
  name: string;
  title: string;
  numeric: boolean;
  time: boolean;
  fmt: Fmt;
  growth: boolean; // yoy/pop: red when up, green when down
  rules: CondRule[];
  min: number;
  max: number;
}

export interface TableProps {
  columns: TableColumn[];
  rows: Cell[][];
  pageSize: number;
}

/** The style of one cell under its column's rules (pure; the renderer applies it). */
export function cellStyle(v: Cell, col: TableColumn): CSSProperties | undefined {
  if (typeof v !== "number") return undefined;
  const style: CSSProperties = {};
  if (col.growth && v !== 0) style.color = changeColor(v);  // 涨跌颜色 (changes.ts)
  for (const r of col.rules) {
    const span = col.max - Math.min(0, col.min) || 1;
    if (r.mode === "databar") {
      const pct = Math.max(0, Math.min(100, (Math.abs(v) / span) * 100));
      style.background = `linear-gradient(90deg, ${v < 0 ? "rgba(0,180,42,0.18)" : "rgba(22,100,255,0.16)"} ${pct.toFixed(1)}%, transparent ${pct.toFixed(1)}%)`;
    } else if (r.mode === "scale") {
      const t = col.max === col.min ? 1 : (v - col.min) / (col.max - col.min);
      style.background = `rgba(22,100,255,${(0.06 + 0.5 * t).toFixed(3)})`;
      if (t > 0.7) style.color = "#fff";
    } else if ((r.mode === "above" && r.value != null && v > r.value) || (r.mode === "below" && r.value != null && v < r.value)) {
      style.background = r.mode === "above" ? "#fff1f0" : "#f6ffed";
      style.color = r.mode === "above" ? "#cf1322" : "#389e0d";
      style.fontWeight = 600;
    }
  }
  return Object.keys(style).length ? style : undefined;
}

export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): TableProps {
  const columns = result.columns.map((c, index): TableColumn => {
    const numeric = isNumeric(c) && c.role !== "dimension";
    const vals = numeric ? result.rows.map((r) => r[index]).filter((v): v is number => typeof v === "number") : [];
    return {
      index,
      name: c.name,
      title: columnLabel(c, ctx.lang),
      numeric,
      time: isTime(c),
      fmt: fmtOf(c, chart.numberFormat),
      growth: c.compute === "yoy" || c.compute === "pop",
      rules: numeric ? (chart.cond ?? []).filter((r) => r.column === c.name || (r.column === "*" && c.role === "metric" && !c.compute)) : [],
      min: vals.length ? Math.min(...vals) : 0,
      max: vals.length ? Math.max(...vals) : 0,
    };
  });
  return { columns, rows: result.rows, pageSize: chart.pageSize ?? 10 };
}
