/**
 * One insight request for a chart's spec: POST /api/v1/forecast or /api/v1/anomalies with the spec's
 * metric, grain, split (`by`) and filters, while `on`; the answer or a readable error. Shared by the
 * analysis page's switches and the dashboard tiles.
 */
import { useEffect, useState } from "react";
import { api, errorMessage, unwrap, type QuerySpec } from "../api/client";
import { forecastable } from "./forecastChart";

export function useInsight<T>(path: "/api/v1/forecast" | "/api/v1/anomalies", spec: Partial<QuerySpec>, on: boolean,
  extra: Record<string, unknown> = {}) {
  const target = forecastable(spec);
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify([path, target, spec.where ?? [], spec.model ?? null, extra]);
  useEffect(() => {
    setData(null);
    setError(null);
    if (!on || !target) return;
    // the spec's model (a direct-mode model is forecast on its own database); none: the default model
    const body = { metric: target.metric, grain: target.grain, by: target.by ?? null, where: spec.where ?? [],
      ...(spec.model ? { model: spec.model } : {}), ...extra };
    unwrap(api.POST(path, { body: body as never }))
      .then((d) => setData(d as unknown as T))
      .catch((e) => setError(errorMessage(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [on, key]);
  return { target, data, error };
}

/** Tells the page (onShown) while an insight chart is drawn in its chart's place, and false when it goes. */
export function useShown(shown: boolean, onShown?: (shown: boolean) => void) {
  useEffect(() => {
    onShown?.(shown);
    return () => onShown?.(false);
  }, [shown, onShown]);
}
