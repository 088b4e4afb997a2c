/**
 * Print mode of the dashboard page (`?print=1`, what the headless PDF/PNG exports open): the filters
 * applied as one line of text, and the page's render-ready test. Pure, unit-tested (__tests__/printView.test.ts).
 *
 * Invariant: the page is render-ready only when its data has arrived and every chart on it has drawn
 * (ECharts' `finished`, marked by charts/ResultView's EChart as data-echart-ready="1"), with no tile
 * still loading (a skeleton or a spinner, e.g. the China map's geometry).
 */
import type { Component } from "./types";

type Range = { relative?: string; start?: string; end?: string };

/** One filter's value in words ("华东、华南", "今年", "2025-01-01 ~ 2025-06-30", "10 – 20"); null when unset. */
export function filterValueText(value: unknown, rangeLabel: (relative: string) => string): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (Array.isArray(value)) {
    if (!value.length) return null;
    if (value.length === 2 && value.every((v) => v === null || typeof v === "number"))
      return `${value[0] ?? "…"} – ${value[1] ?? "…"}`;
    return value.map((v) => (Array.isArray(v) ? v.join(" / ") : String(v))).join("、");
  }
  if (typeof value === "object") {
    const r = value as Range;
    if (r.relative) return rangeLabel(r.relative);
    if (r.start || r.end) return `${r.start ?? "…"} ~ ${r.end ?? "…"}`;
    return null;
  }
  return String(value);
}

/** "大区：华东、华南；期间：今年" for the filters of a dashboard with values; "" when none is set. */
export function filtersLine(
  filters: Component[],
  valueOf: (c: Component) => unknown,
  titleOf: (c: Component) => string,
  rangeLabel: (relative: string) => string,
): string {
  return filters
    .map((c) => {
      const text = filterValueText(valueOf(c), rangeLabel);
      return text === null ? null : `${titleOf(c)}：${text}`;
    })
    .filter((x): x is string => x !== null)
    .join("；");
}

/** True when every chart under `root` has drawn and no tile is still loading. */
export function renderReady(root: ParentNode): boolean {
  for (const el of Array.from(root.querySelectorAll(".echarts-for-react")))
    if (el.getAttribute("data-echart-ready") !== "1") return false;
  return !root.querySelector(".dash-grid .ant-skeleton, .dash-grid .ant-spin-spinning");
}
