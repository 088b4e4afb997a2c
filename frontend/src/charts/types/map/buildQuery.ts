/** 中国地图: provinces coloured by the first metric (the dimension must be a province field). */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export function buildQuery(s: Shelves) {
  const q = baseQuery(s, "map");
  q.chart.region = q.chart.x ?? undefined;
  return q;
}
