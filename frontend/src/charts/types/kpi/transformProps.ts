import type { QueryResult } from "../../../api/client";
import type { Fmt } from "../../../format";
import { columnLabel, fmtOf, valueCol } from "../../core/columns";
import type { ChartConfig, TransformCtx } from "../../core/types";

export interface KpiProps {
  label: string;
  value: number | string | null;
  fmt: Fmt;
  compare: { kind: "yoy" | "pop"; value: number | null } | null;
  target: { value: number; attainment: number | null } | null;
}

export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): KpiProps {
  const row = result.rows[0] ?? [];
  const vCol = valueCol(result, chart);
  const cCol = result.columns.find((c) => c.name === chart.compare) ?? result.columns.find((c) => c.compute === "yoy" || c.compute === "pop");
  const value = vCol ? (row[result.columns.indexOf(vCol)] as number | string | null) : null;
  const t = chart.refLines?.find((l) => l.kind === "target");
  return {
    label: columnLabel(vCol, ctx.lang),
    value,
    fmt: fmtOf(vCol, chart.numberFormat),
    compare: cCol ? { kind: cCol.compute === "pop" ? "pop" : "yoy", value: row[result.columns.indexOf(cCol)] as number | null } : null,
    target: t ? { value: t.value, attainment: typeof value === "number" && t.value ? value / t.value : null } : null,
  };
}
