/**
 * 漏斗图: stages are either the members of one dimension (sorted by the metric, largest first) or, with
 * no dimension, the metrics themselves in shelf order (e.g. 商机数 → 赢单数).
 */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export function buildQuery(s: Shelves) {
  const q = baseQuery(s, "funnel");
  if (s.dims.length && !q.spec.order_by?.length && s.metrics[0]) q.spec.order_by = [{ field: s.metrics[0].field.name, desc: true }];
  return q;
}
