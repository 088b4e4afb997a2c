/**
 * Files from the server and from the page: POST /api/v1/exports/query as a download (XLSX / CSV, the
 * caller's row rules apply on the server), and a chart's PNG from its ECharts instance (getDataURL).
 */
import { api, ApiError, type QuerySpec } from "../api/client";
import { echarts } from "../charts/echarts";

export type TableFormat = "xlsx" | "csv";

/** The file name a Content-Disposition names: filename*=UTF-8''… (RFC 5987) first, then filename="…". */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = disposition.match(/filename\*\s*=\s*UTF-8''([^;]+)/i);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* a malformed name: try the plain one */
    }
  }
  const plain = disposition.match(/filename\s*=\s*"([^"]*)"/i);
  return plain?.[1] || fallback;
}

/** A file name for a PNG of a chart titled `title` (characters file systems refuse become _). */
export function pngName(title: string): string {
  const base = title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_").trim() || "chart";
  return `${base.slice(0, 80)}.png`;
}

/** Let the browser save a Blob or a data: URL as `name`. */
export function save(data: Blob | string, name: string): void {
  const url = typeof data === "string" ? data : URL.createObjectURL(data);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (typeof data !== "string") setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Export a spec's answer as XLSX or CSV and save it; returns the file name. Throws ApiError with the
 * server's (bilingual) message, e.g. more rows than an Excel sheet holds. */
export async function exportQuery(spec: QuerySpec | Record<string, unknown>, format: TableFormat, title?: string): Promise<string> {
  let r;
  try {
    r = await api.POST("/api/v1/exports/query", {
      body: { spec: spec as QuerySpec, format, ...(title ? { title } : {}) },
      parseAs: "blob",
    });
  } catch (e) {
    throw new ApiError(e instanceof Error ? e.message : String(e), "network", 0);
  }
  if (!r.response.ok || !r.data) {
    const body = r.error as { error?: { code?: string; message?: string } } | undefined;
    throw new ApiError(body?.error?.message ?? `HTTP ${r.response.status}`, body?.error?.code ?? "http", r.response.status);
  }
  const name = filenameOf(r.response.headers.get("content-disposition"), `export.${format}`);
  save(r.data as Blob, name);
  return name;
}

/** The PNG (a data: URL, at twice the screen's resolution, on a white or the theme's background) of the
 * ECharts chart inside `root`; null when there is none (a table, a KPI). */
export function chartPng(root: HTMLElement | null, background = "#ffffff"): string | null {
  const dom = root?.querySelector<HTMLElement>("[_echarts_instance_]");
  const chart = dom ? echarts.getInstanceByDom(dom) : undefined;
  return chart ? chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: background }) : null;
}
