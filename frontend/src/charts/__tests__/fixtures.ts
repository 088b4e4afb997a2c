/** Small results shaped like the demo's (华精科技) answers, for the pure chart tests. */
import type { QueryResult } from "../../api/client";

/** A result as the server sends it, from its columns and rows. */
export const result = (r: Pick<QueryResult, "columns" | "rows">): QueryResult => ({ truncated: false, cached: false, timings_ms: {}, ...r });

export const byRegion: QueryResult = result({
  columns: [
    { name: "customers.region", type: "string", label: "大区", role: "dimension" },
    { name: "revenue", type: "number", label: "销售额", role: "metric", format: "currency" },
    { name: "gross_margin", type: "number", label: "毛利率", role: "metric", format: "percent" },
  ],
  rows: [
    ["华东", 125_000_000, 0.31],
    ["华南", 82_000_000, 0.28],
    ["华北", 41_000_000, 0.25],
  ],
});

export const byMonthAndLine: QueryResult = result({
  columns: [
    { name: "time_month", type: "date", role: "dimension" },
    { name: "product_line", type: "string", label: "产品线", role: "dimension" },
    { name: "revenue", type: "number", label: "销售额", role: "metric", format: "currency" },
  ],
  rows: [
    ["2026-02-01", "伺服电机", 30],
    ["2026-01-01", "伺服电机", 10],
    ["2026-01-01", "减速机", 20],
    ["2026-02-01", "减速机", 10],
  ],
});
