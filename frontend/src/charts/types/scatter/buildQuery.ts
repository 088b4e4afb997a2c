/**
 * 散点图/气泡图: one point per member of the 行/X dimension, x = the first metric, y = the second, bubble
 * size = the 大小 shelf's metric (or a third metric), colour = the 颜色 dimension.
 */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export function buildQuery(s: Shelves) {
  const q = baseQuery(s, "scatter");
  q.chart.series = undefined;
  return q;
}
