/** Dashboard shapes: the definition comes from the generated OpenAPI schema; the batch data answer is typed here. */
import type { Cell, QueryResult, Schemas } from "../api/client";

export type DashboardDef = Schemas["DashboardDef"];
export type Component = Schemas["Component"];
export type DashboardOut = Schemas["DashboardOut"];
export type DashboardSummary = Schemas["DashboardSummary"];
export type FilterConfig = Schemas["FilterConfig"];

export interface DrillInfo {
  hierarchy: string;
  levels: string[];
  level: number;
  start: number;
  path: Cell[];
  can_drill: boolean;
}

export interface ComponentData {
  id: string;
  kind: "chart" | "kpi";
  result: QueryResult | null;
  spark: QueryResult | null;
  chart: Record<string, unknown> & { type: string };
  spec: Record<string, unknown>;
  ignored_filters: string[];
  drill: DrillInfo | null;
  error: { code: string; message: string } | null;
}

export interface DashboardData {
  components: Record<string, ComponentData>;
  timings_ms: Record<string, number>;
  dashboard: { id: number; name: string; version: number };
}
