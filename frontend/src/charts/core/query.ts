/**
 * The default buildQuery: shelves → {spec, chart}. Chart types call it and adjust (the funnel sorts
 * descending, the waterfall wants one metric, the pivot lists its row and column dimensions…). Pure.
 *
 * Encoding rules (the same as the server's recommender, shuzhi.ai.nl.chart): x is the time dimension when
 * there is one, else the first dimension on 行/X; the series is the 列/系列 shelf's first dimension, else
 * the colour dimension, else the second 行/X dimension; y lists plain metrics, then quick calculations;
 * growth and share outputs go to a second axis (line_y2).
 */
import type { QuerySpec } from "../../api/client";
import { computeName, dimOutput, toSpec, type Shelves } from "./shelves";
import type { ChartConfig, ChartKey } from "./types";

export function encode(s: Shelves, type: ChartKey): ChartConfig {
  const dims = s.dims;
  const time = dims.find((d) => d.grain);
  const x = time ?? dims[0];
  const restX = dims.filter((d) => d !== x);
  const seriesDim = s.series?.[0] ?? s.color ?? restX[0];
  const plain = s.metrics.filter((m) => !m.compute).map((m) => m.field.name);
  const names = s.metrics.map((m) => m.field.name).filter((v, i, a) => a.indexOf(v) === i);
  const computed = s.metrics.filter((m) => m.compute).map(computeName);
  const compare = s.metrics.find((m) => m.compute === "yoy" || m.compute === "pop");
  return {
    type,
    x: x ? dimOutput(x) : null,
    y: [...names, ...computed],
    series: seriesDim && seriesDim !== x ? dimOutput(seriesDim) : undefined,
    line_y2: s.metrics.filter((m) => m.compute === "yoy" || m.compute === "pop" || m.compute === "percent_of_total").map(computeName),
    value: plain[0] ?? names[0],
    compare: compare ? computeName(compare) : undefined,
    size: s.size ? computeName(s.size) : undefined,
    color: s.color ? dimOutput(s.color) : undefined,
    tooltip: (s.tooltip ?? []).map(computeName),
    sorted: s.sort === "none" ? undefined : s.sort,
  };
}

export function baseQuery(s: Shelves, type: ChartKey): { spec: Partial<QuerySpec>; chart: ChartConfig } {
  return { spec: toSpec(s), chart: encode(s, type) };
}
