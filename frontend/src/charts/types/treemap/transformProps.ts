import type { EChartsCoreOption } from "echarts/core";
import type { Cell, QueryResult } from "../../../api/client";
import { html } from "../../../safeHtml";
import { catLabel, colIndex, dimIndex, fmtOf, fmtValue, rowObject, valueCol } from "../../core/columns";
import type { ChartConfig, EChartsProps, TransformCtx } from "../../core/types";
import { PALETTE } from "../../core/palette";

export interface TreeNode {
  name: string;
  value: number;
  raw: Cell;
  rowIndex?: number;
  children?: TreeNode[];
}

/** Rows → one level (by chart.x) or two levels (chart.x → chart.series); parents sum their children; non-positive values are left out. */
export function toTree(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): TreeNode[] {
  const pi = dimIndex(result, chart.x);
  let ci = colIndex(result, chart.series ?? chart.color);
  if (ci === pi) ci = -1;
  const col = valueCol(result, chart);
  const vi = col ? result.columns.indexOf(col) : -1;
  const top = new Map<string, TreeNode>();
  result.rows.forEach((r, i) => {
    const v = r[vi];
    if (typeof v !== "number" || v <= 0) return;
    const key = String(r[pi]);
    if (!top.has(key)) top.set(key, { name: catLabel(r[pi], result.columns[pi], ctx.lang), value: 0, raw: r[pi], children: ci >= 0 ? [] : undefined });
    const node = top.get(key)!;
    node.value += v;
    if (ci >= 0) node.children!.push({ name: catLabel(r[ci], result.columns[ci], ctx.lang), value: v, raw: r[ci], rowIndex: i });
    else node.rowIndex = i;
  });
  return [...top.values()].sort((a, b) => b.value - a.value);
}

export function transformProps(result: QueryResult, chart: ChartConfig, ctx: TransformCtx): EChartsProps {
  const fmt = fmtOf(valueCol(result, chart), chart.numberFormat);
  const data = toTree(result, chart, ctx);
  const nested = data.some((d) => d.children);
  const option: EChartsCoreOption = {
    color: PALETTE,
    tooltip: { confine: true, formatter: (p: { name: string; value: number; treePathInfo?: { name: string }[] }) => html`${(p.treePathInfo ?? []).slice(1).map((x) => x.name).join(" / ") || p.name}<br/><b>${fmtValue(p.value, fmt, ctx.lang)}</b>`.html },
    series: [
      {
        type: "treemap",
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        visibleMin: 400,
        top: 4,
        left: 4,
        right: 4,
        bottom: 4,
        label: { show: true, overflow: "truncate", ellipsis: "…", fontSize: 11, formatter: (p: { name: string; value: number }) => (chart.labels === false || nested ? p.name : `${p.name}\n${fmtValue(p.value, fmt, ctx.lang)}`) },
        upperLabel: nested ? { show: true, height: 22, color: "#fff", fontWeight: 600 } : undefined,
        itemStyle: { borderColor: "#fff", borderWidth: 1, gapWidth: 1 },
        levels: nested ? [{ itemStyle: { borderWidth: 3, gapWidth: 3, borderColor: "#fff" } }, { colorSaturation: [0.35, 0.6], itemStyle: { gapWidth: 1, borderColorSaturation: 0.7 } }] : undefined,
        data,
      },
    ],
  };
  const click: EChartsProps["click"] = (p) => {
    const idx = (p.data as TreeNode | undefined)?.rowIndex;
    if (idx === undefined) return null;
    const row = result.rows[idx];
    const ci = colIndex(result, chart.series ?? chart.color);
    const pi = dimIndex(result, chart.x);
    return { field: result.columns[pi].name, value: row[pi], row: rowObject(result, row), series: ci >= 0 && ci !== pi ? { field: result.columns[ci].name, value: row[ci] } : undefined };
  };
  return { option, click };
}
