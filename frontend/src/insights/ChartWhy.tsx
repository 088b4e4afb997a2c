/**
 * 「为什么变化?」 from a point of the analysis page's own line chart: clicking a period opens the
 * WhyDrawer for the metric between that period and the one before it (the same filters apply).
 * Only for single-metric time series at a day, month, quarter or year grain; on a chart split by a series
 * dimension, for the clicked line's member.
 */
import { useState, type ReactNode } from "react";
import type { QuerySpec } from "../api/client";
import { EXPLAINABLE, forecastable } from "./forecastChart";
import { WhyDrawer, type WhyTarget } from "./WhyDrawer";

/** The explain API's period for a period-start date: 2025-06, 2025-Q2, 2025 or the date itself. */
export function periodOf(date: string, grain: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return null;
  if (grain === "year") return m[1];
  if (grain === "quarter") return `${m[1]}-Q${Math.floor((Number(m[2]) - 1) / 3) + 1}`;
  if (grain === "month") return `${m[1]}-${m[2]}`;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

export function useChartWhy(spec: Partial<QuerySpec>, percent: boolean): {
  onElementClick?: (d: { value: unknown; series?: { field: string; value: unknown } }) => void;
  drawer: ReactNode;
} {
  const [target, setTarget] = useState<WhyTarget | null>(null);
  const ts = forecastable(spec);
  const drawer = <WhyDrawer target={target} onClose={() => setTarget(null)} />;
  if (!ts || !EXPLAINABLE.includes(ts.grain)) return { drawer };
  return {
    drawer,
    onElementClick: (d) => {
      const to = periodOf(String(d.value ?? ""), ts.grain);
      // a line of a split chart: that member's change (its filter joins the page's)
      const member = ts.by ? d.series?.value : undefined;
      if (!to || (ts.by && (member === undefined || member === null))) return;
      const where = [...((spec.where ?? []) as object[]), ...(ts.by ? [{ field: ts.by, op: "=", value: member }] : [])];
      setTarget({ metric: ts.metric, to, where, format: percent ? "percent" : "number" });
    },
  };
}
