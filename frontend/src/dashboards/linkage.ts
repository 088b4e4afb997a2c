/**
 * The viewer's state of a dashboard — filter values, cross-filters (联动) and drill paths — and the
 * request body the batch data endpoint takes. Pure functions, unit-tested (__tests__/linkage.test.ts).
 *
 * Invariants:
 * - one cross-filter per source component: clicking another element of the same chart replaces it,
 *   clicking the same element again clears it;
 * - a filter value of `null` means "cleared by the viewer" (the server then ignores the filter's
 *   default); a missing key means "use the default".
 */
import type { Cell } from "../api/client";

export interface CrossFilter {
  source: string;
  field: string;
  value: Cell;
}

export interface ViewState {
  filters: Record<string, unknown>;
  cross: CrossFilter[];
  drill: Record<string, Cell[]>;
}

export const emptyState = (): ViewState => ({ filters: {}, cross: [], drill: {} });

export function toggleCross(cross: CrossFilter[], next: CrossFilter): CrossFilter[] {
  const same = cross.find((c) => c.source === next.source);
  const rest = cross.filter((c) => c.source !== next.source);
  if (same && same.field === next.field && same.value === next.value) return rest;
  return [...rest, next];
}

export function clearCross(cross: CrossFilter[], source?: string): CrossFilter[] {
  return source === undefined ? [] : cross.filter((c) => c.source !== source);
}

export function setFilter(state: ViewState, id: string, value: unknown): ViewState {
  const empty = value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  return { ...state, filters: { ...state.filters, [id]: empty ? null : value } };
}

/** The JSON body of POST /dashboards/{key}/data. */
export function requestBody(state: ViewState, components?: string[]) {
  return { filters: state.filters, cross: state.cross, drill: state.drill, ...(components ? { components } : {}) };
}

/** Filters carried to another dashboard by a jump: values of filters on the same field, and the
 * clicked element as a filter value of a target filter on that field. */
export function carryFilters(
  from: { filters: Record<string, unknown>; fieldOf: Record<string, string> },
  target: { id: string; field: string; control: string }[],
  clicked?: { field: string; value: Cell },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of target) {
    const src = Object.entries(from.fieldOf).find(([id, f]) => f === t.field && id in from.filters);
    if (src) out[t.id] = from.filters[src[0]];
    if (clicked && sameField(clicked.field, t.field) && ["dropdown", "multi_select", "tree"].includes(t.control))
      out[t.id] = t.control === "dropdown" ? clicked.value : t.control === "tree" ? [[clicked.value]] : [clicked.value];
  }
  return out;
}

export function sameField(a: string, b: string): boolean {
  return a === b || a.endsWith("." + b) || b.endsWith("." + a);
}

/** URL form of the filters passed by a jump (?f=<json>), tolerant of garbage. */
export function encodeFilters(filters: Record<string, unknown>): string {
  return encodeURIComponent(JSON.stringify(filters));
}

export function decodeFilters(param: string | null): Record<string, unknown> {
  if (!param) return {};
  try {
    const v = JSON.parse(param);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
