/** 饼图/环形图: one slice per member of the dimension, sized by the first metric (largest first). */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export function buildQuery(s: Shelves) {
  const q = baseQuery(s, "pie");
  q.chart.donut = true;
  if (!q.spec.order_by?.length && s.metrics[0]) q.spec.order_by = [{ field: s.metrics[0].field.name, desc: true }];
  return q;
}
