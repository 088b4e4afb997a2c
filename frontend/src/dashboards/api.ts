/** Dashboard API calls (typed by the generated OpenAPI schema where the server declares a model). */
import { api, unwrap } from "../api/client";
import type { DashboardData, DashboardDef, DashboardOut, DashboardSummary } from "./types";

export const listDashboards = (favourites = false) =>
  unwrap(api.GET("/api/v1/dashboards", { params: { query: { favourites } } })) as Promise<DashboardSummary[]>;
export const recentDashboards = (limit = 8) =>
  unwrap(api.GET("/api/v1/dashboards/recent", { params: { query: { limit } } })) as Promise<DashboardSummary[]>;
export const getDashboard = (key: string, view = true) =>
  unwrap(api.GET("/api/v1/dashboards/{key}", { params: { path: { key }, query: { view } } })) as Promise<DashboardOut>;
export const createDashboard = (body: DashboardDef) =>
  unwrap(api.POST("/api/v1/dashboards", { body })) as Promise<DashboardOut>;
export const saveDashboard = (key: string, body: DashboardDef) =>
  unwrap(api.PUT("/api/v1/dashboards/{key}", { params: { path: { key } }, body })) as Promise<DashboardOut>;
export const duplicateDashboard = (key: string) =>
  unwrap(api.POST("/api/v1/dashboards/{key}/duplicate", { params: { path: { key } }, body: {} })) as Promise<DashboardOut>;
export const setFavourite = (key: string, on: boolean) =>
  on
    ? unwrap(api.PUT("/api/v1/dashboards/{key}/favourite", { params: { path: { key } } }))
    : unwrap(api.DELETE("/api/v1/dashboards/{key}/favourite", { params: { path: { key } } }));
export const dashboardData = (key: string, body: object) =>
  unwrap(api.POST("/api/v1/dashboards/{key}/data", { params: { path: { key } }, body: body as never })) as unknown as Promise<DashboardData>;
export const fieldValues = (field: string, search?: string) =>
  unwrap(api.GET("/api/v1/fields/{field}/values", { params: { path: { field }, query: { search: search || undefined, limit: 200 } } }));
export const hierarchyValues = (name: string) =>
  unwrap(api.GET("/api/v1/hierarchies/{name}/values", { params: { path: { name } } }));

/** Model labels (zh / en) of fields and metrics, for titles, breadcrumbs and pickers. */
export interface ModelInfo {
  fields: Map<string, { label: string; label_en?: string | null; type: string; dimension: boolean }>;
  metrics: Map<string, { label: string; label_en?: string | null; format?: string; hidden?: boolean }>;
  hierarchies: { name: string; label?: string | null; label_en?: string | null; levels: string[] }[];
}

let modelPromise: Promise<ModelInfo> | null = null;
export function modelInfo(): Promise<ModelInfo> {
  if (!modelPromise) {
    modelPromise = unwrap(api.GET("/api/v1/models")).then(async (models) => {
      const list = models as { name: string; is_default: boolean }[];
      const name = (list.find((m) => m.is_default) ?? list[0]).name;
      const def = (await unwrap(api.GET("/api/v1/models/{name}", { params: { path: { name } } }))).definition;
      const fields: ModelInfo["fields"] = new Map();
      for (const ds of def.datasets)
        for (const f of ds.fields) fields.set(`${ds.name}.${f.name}`, { label: f.label ?? f.name, label_en: f.label_en, type: f.type, dimension: f.dimension !== false });
      const metrics: ModelInfo["metrics"] = new Map(def.metrics.map((x) => [x.name, x]));
      return { fields, metrics, hierarchies: def.hierarchies ?? [] };
    });
    modelPromise.catch(() => (modelPromise = null));
  }
  return modelPromise;
}

export const dashboardVersions = (key: string) =>
  unwrap(api.GET("/api/v1/dashboards/{key}/versions", { params: { path: { key } } }));
export const restoreDashboardVersion = (key: string, version: number) =>
  unwrap(api.POST("/api/v1/dashboards/{key}/versions/{version}/restore", { params: { path: { key, version } } })) as Promise<DashboardOut>;
