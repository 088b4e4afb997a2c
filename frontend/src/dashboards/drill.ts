/** Drill-down along a model hierarchy (region → province → city): the path per component and its breadcrumb. Pure. */
import type { Cell } from "../api/client";
import type { DrillInfo } from "./types";

export function drillDown(drill: Record<string, Cell[]>, id: string, info: DrillInfo | null, value: Cell): Record<string, Cell[]> {
  if (!info || !info.can_drill) return drill;
  return { ...drill, [id]: [...info.path, value] };
}

/** Back to `depth` clicked values (0 = the top level). */
export function drillUp(drill: Record<string, Cell[]>, id: string, depth: number): Record<string, Cell[]> {
  const path = drill[id] ?? [];
  const next = { ...drill };
  if (depth <= 0) delete next[id];
  else next[id] = path.slice(0, depth);
  return next;
}

export interface Crumb {
  label: string;
  depth: number;
}

/** The breadcrumb: the top level's label, then each clicked value. */
export function breadcrumb(info: DrillInfo | null, levelLabel: (field: string) => string, allLabel: string): Crumb[] {
  if (!info || !info.path.length) return []; // shown once the viewer has drilled
  const top = `${allLabel}${levelLabel(info.levels[info.start])}`;
  return [{ label: top, depth: 0 }, ...info.path.map((v, i) => ({ label: v === null ? "—" : String(v), depth: i + 1 }))];
}
