/**
 * Background jobs for the data pages (imports, refreshes, materializations): follow one job by
 * polling GET /api/v1/jobs/{id} until it finishes, and errors that keep the server's details
 * (a dataset step error carries {"step": k}).
 */
import { useEffect, useRef, useState } from "react";
import { api, ApiError, errorMessage, type Schemas } from "../api/client";

export type Job = Schemas["JobOut"];
export const FINISHED = ["succeeded", "failed", "cancelled"];

/** An API error with the server's `details` object (may be empty). */
export class DetailedError extends ApiError {
  constructor(message: string, code: string, status: number, public details: Record<string, unknown>) {
    super(message, code, status);
  }
}

/** Like client.unwrap, but the thrown error keeps error.details. */
export async function unwrapDetailed<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r;
  try {
    r = await p;
  } catch (e) {
    throw new DetailedError(errorMessage(e), "network", 0, {});
  }
  if (r.error !== undefined || !r.response.ok) {
    const body = r.error as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
    throw new DetailedError(body?.error?.message ?? `HTTP ${r.response.status}`, body?.error?.code ?? "http", r.response.status,
      body?.error?.details ?? {});
  }
  return r.data as T;
}

/** The job's error message in the UI language ({"zh", "en"} or {"message"}). */
export function jobError(job: Job, lang: "zh" | "en"): string {
  const e = (job.error ?? {}) as Record<string, unknown>;
  const text = (lang === "en" ? e.en ?? e.message_en : e.zh ?? e.message_zh) ?? e.message ?? e.zh ?? e.en;
  return typeof text === "string" ? text : JSON.stringify(job.error);
}

/** The progress message, which jobs write as "中文 / English". */
export function jobMessage(job: Job, lang: "zh" | "en"): string {
  const m = job.message ?? "";
  const i = m.indexOf(" / ");
  if (i < 0) return m;
  return lang === "en" ? m.slice(i + 3) : m.slice(0, i);
}

/** Polls a job every `intervalMs` until it finishes; returns the latest record (null before the first answer). */
export function useJob(jobId: number | null | undefined, intervalMs = 600): { job: Job | null; error: string | null } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    setJob(null);
    setError(null);
    if (!jobId) return;
    let stopped = false;
    const tick = async () => {
      try {
        const j = await unwrapDetailed(api.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } }));
        if (stopped) return;
        setJob(j);
        if (!FINISHED.includes(j.status)) timer.current = window.setTimeout(tick, intervalMs);
      } catch (e) {
        if (!stopped) setError(errorMessage(e));
      }
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer.current);
    };
  }, [jobId, intervalMs]);
  return { job, error };
}
