/** Dashboard shapes: aliases of the generated OpenAPI schema (definition and batch data answer). */
import type { Schemas } from "../api/client";

export type DashboardDef = Schemas["DashboardDef"];
export type Component = Schemas["Component"];
export type DashboardOut = Schemas["DashboardOut"];
export type DashboardSummary = Schemas["DashboardSummary"];
export type FilterConfig = Schemas["FilterConfig"];

export type DrillInfo = Schemas["DrillInfo"];
export type ComponentData = Schemas["ComponentData"];
export type DashboardData = Schemas["DashboardData"];
