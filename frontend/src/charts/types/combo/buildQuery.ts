/** 组合图: the first metric as bars, the others as lines on a second axis (different units side by side). */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export function buildQuery(s: Shelves) {
  const q = baseQuery(s, "combo");
  const names = q.chart.y ?? [];
  q.chart.bar = names[0];
  q.chart.line = names.slice(1);
  q.chart.series = undefined; // one series per metric
  return q;
}
