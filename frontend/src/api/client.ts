/**
 * The API client: openapi-fetch over the types generated from ../../openapi.json (npm run gen:api).
 * Every request sends the UI language (Accept-Language) so error messages come back in it, and the
 * CSRF token (cookie shuzhi_csrf) on unsafe methods. A 401 sends the user to the login page.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type QuerySpec = Schemas["QuerySpec"];
export type MetricSummary = Schemas["MetricSummary"];
export type VersionOut = Schemas["VersionOut"];
export type MeOut = Schemas["MeOut"];

let language = "zh-CN";
export function setApiLanguage(lang: string) {
  language = lang;
}

let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

export function csrfToken(): string | null {
  const m = document.cookie.match(/(?:^|;\s*)shuzhi_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

const middleware: Middleware = {
  onRequest({ request }) {
    request.headers.set("Accept-Language", language === "en" ? "en" : "zh-CN,zh;q=0.9");
    if (!["GET", "HEAD", "OPTIONS"].includes(request.method)) {
      const token = csrfToken();
      if (token) request.headers.set("X-CSRF-Token", token);
    }
    request.headers.set("X-Shuzhi-Purpose", "ui");
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.includes("/auth/login")) onUnauthorized();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "/", credentials: "same-origin" });
api.use(middleware);

/** The error every endpoint returns: {"error": {"code", "message", "request_id"}}. */
export class ApiError extends Error {
  constructor(
    message: string,
    public code: string,
    public status: number,
  ) {
    super(message);
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError || e instanceof Error) return e.message;
  return String(e);
}

/** Unwraps an openapi-fetch result: the data, or throws ApiError with the server's message. */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r;
  try {
    r = await p;
  } catch (e) {
    throw new ApiError(errorMessage(e), "network", 0);
  }
  if (r.error !== undefined || !r.response.ok) {
    const body = r.error as { error?: { code?: string; message?: string } } | undefined;
    throw new ApiError(body?.error?.message ?? `HTTP ${r.response.status}`, body?.error?.code ?? "http", r.response.status);
  }
  return r.data as T;
}

// ---- Shapes of responses the server declares only as `object` (query, ask, metric detail). ----
// TODO(server): give these endpoints response models so these come from the generated schema too.
export interface ResultColumn {
  name: string;
  type: string;
  label?: string;
  role?: "dimension" | "metric";
  format?: string;
  unit?: string;
  metric?: string;
  compute?: string;
}
export type Cell = string | number | boolean | null;
export interface QueryResult {
  columns: ResultColumn[];
  rows: Cell[][];
  sql?: string;
  truncated?: boolean;
  cached?: boolean;
  timings_ms?: Record<string, number>;
}
export interface ChartRec {
  type: "line" | "bar" | "pie" | "map" | "kpi" | "table" | "combo" | string;
  x?: string | null;
  y?: string[];
  series?: string;
  horizontal?: boolean;
  sorted?: "asc" | "desc";
  value?: string | null;
  compare?: string | null;
  bar?: string;
  line?: string[];
  line_y2?: string[];
  region?: string;
  donut?: boolean;
  reason?: string;
  reason_en?: string;
}
export interface AskAnswer {
  conversation_id: string;
  question: string;
  spec: Partial<QuerySpec> | null;
  chart: ChartRec | null;
  interpretation: { kind: string; text: string; text_en?: string }[];
  unknown: { text: string; reason?: string; message?: string; suggestions?: string[] }[];
  alternatives: { text?: string; text_en?: string; spec?: unknown }[];
  confidence: number;
  result: QueryResult | null;
}
export interface MetricDetail extends MetricSummary {
  model_version: number;
  dataset?: string | null;
  agg?: string | null;
  expr?: string | null;
  filter?: string | null;
  time?: string | null;
  time_aggregation?: string | null;
  formula?: string | null;
  lineage: {
    depends_on: string[];
    fields: string[];
    datasets: string[];
    tables: { dataset: string; table: string | null; sql: boolean }[];
    used_by_metrics: string[];
    dashboards: string[];
  };
}

/** A QuerySpec with the server's defaults filled in (the generated type marks defaulted fields required). */
export function makeSpec(s: Partial<QuerySpec>): QuerySpec {
  return { metrics: [], dimensions: [], where: [], having: [], order_by: [], timezone: "Asia/Shanghai", ...s } as QuerySpec;
}

export function runQuery(spec: Partial<QuerySpec>): Promise<QueryResult> {
  return unwrap(api.POST("/api/v1/query", { body: makeSpec(spec) })) as Promise<QueryResult>;
}

let todayPromise: Promise<string> | null = null;
/** The server's "today" (SHUZHI_TODAY when set), from GET /health; cached. */
export function serverToday(): Promise<string> {
  if (!todayPromise)
    todayPromise = unwrap(api.GET("/api/v1/health")).then(
      (h) => (h as { today?: string }).today ?? new Date().toISOString().slice(0, 10),
    );
  return todayPromise;
}
