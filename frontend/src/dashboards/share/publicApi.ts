/**
 * Calls of the pages opened without an account: a share link (/share#szs_...) and an embed
 * (/embed/dashboards/NAME#token=sze_...). The secret goes in a header (X-Share-Token / X-Embed-Token),
 * never in a URL the server sees; no cookie is sent (credentials: "omit"), and a 401 here is the page's
 * own state (password needed, token expired), not a reason to go to the login page.
 * Response types are the generated OpenAPI schema's.
 */
import { ApiError, type Schemas } from "../../api/client";
import type { DashboardData } from "../types";

export type PublicShare = Schemas["PublicShare"];
export type PublicDashboard = Schemas["PublicDashboard"];
export type ShareGrant = Schemas["ShareGrant"];
export type FieldValues = Schemas["FieldValues"];
export type HierarchyValues = Schemas["HierarchyValues"];

async function call<T>(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const lang = typeof document !== "undefined" && document.documentElement.lang === "en" ? "en" : "zh-CN,zh;q=0.9";
  const r = await fetch(path, {
    method,
    credentials: "omit",
    headers: { ...headers, "Accept-Language": lang, Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const data = await r.json().catch(() => null);
  if (!r.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(err?.message ?? `HTTP ${r.status}`, err?.code ?? "http_error", r.status);
  }
  return data as T;
}

/** One page's access: the share link's secret (+ the grant after its password), or the guest token. */
export interface Access {
  kind: "share" | "embed";
  token: string;
  grant?: string | null;
}

function headers(a: Access): Record<string, string> {
  if (a.kind === "embed") return { "X-Embed-Token": a.token };
  return { "X-Share-Token": a.token, ...(a.grant ? { "X-Share-Grant": a.grant } : {}) };
}

const base = (a: Access) => (a.kind === "embed" ? "/api/v1/embed" : "/api/v1/public/share");

export const openShare = (a: Access) => call<PublicShare>("GET", "/api/v1/public/share", headers(a));
export const unlockShare = (a: Access, password: string) =>
  call<ShareGrant>("POST", "/api/v1/public/share/unlock", headers(a), { password });
export const embedDashboard = (a: Access) => call<PublicDashboard>("GET", "/api/v1/embed/dashboard", headers(a));
export const publicData = (a: Access, body: object) => call<DashboardData>("POST", `${base(a)}/data`, headers(a), body);
export const publicFieldValues = (a: Access, field: string, search?: string) =>
  call<FieldValues>("GET", `${base(a)}/fields/${encodeURIComponent(field)}/values?limit=200${search ? `&search=${encodeURIComponent(search)}` : ""}`, headers(a));
export const publicHierarchyValues = (a: Access, name: string) =>
  call<HierarchyValues>("GET", `${base(a)}/hierarchies/${encodeURIComponent(name)}/values`, headers(a));
