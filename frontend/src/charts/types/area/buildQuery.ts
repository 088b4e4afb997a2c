/** 面积图: a line chart filled to the axis; stacked (or 100 %) when split by 列/系列 or several metrics. */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export function buildQuery(s: Shelves) {
  const q = baseQuery(s, "area");
  q.chart.stack = "stacked";
  return q;
}
