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

// ---- Response types: aliases of the generated schema (no hand-written response shapes: src/api/__tests__/contract.test.ts). ----
export type ResultColumn = Schemas["ResultColumn"];
export type QueryResult = Schemas["ResultBody"];
export type QueryAnswer = Schemas["QueryAnswer"];
export type Cell = QueryResult["rows"][number][number];
export type ChartRec = Schemas["ChartConfig"];
export type AskAnswer = Schemas["AskAnswer"];
export type MetricDetail = Schemas["MetricDetail"];
export type SemanticModel = Schemas["SemanticModel"];
export type ModelOut = Schemas["ModelOut"];

/** A QuerySpec with the server's defaults filled in (the generated type marks defaulted fields required). */
export function makeSpec(s: Partial<QuerySpec>): QuerySpec {
  return { metrics: [], dimensions: [], where: [], having: [], order_by: [], timezone: "Asia/Shanghai", ...s } as QuerySpec;
}

export function runQuery(spec: Partial<QuerySpec>): Promise<QueryAnswer> {
  // the 200 answer is JSON or Arrow (Accept), so openapi-fetch cannot pick one type for it
  return unwrap(api.POST("/api/v1/query", { body: makeSpec(spec) })) as Promise<QueryAnswer>;
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
