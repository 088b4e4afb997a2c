/** Grid layout helpers (24 columns, 40 px rows): react-grid-layout items, and the phone layout that stacks
 * components full-width in reading order (by y, then x). Pure. */
import type { Component } from "./types";

export const COLS = 24;
export const ROW_HEIGHT = 40;

export interface GridItem {
  i: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function gridItems(components: Component[]): GridItem[] {
  return components.map((c) => ({ i: c.id, ...c.pos }));
}

/** Reading order: top to bottom, then left to right. */
export function readingOrder(components: Component[]): Component[] {
  return [...components].sort((a, b) => a.pos.y - b.pos.y || a.pos.x - b.pos.x);
}

/** Phone: one column, each component at a readable height (KPIs side by side in pairs). */
export function phoneLayout(components: Component[]): GridItem[] {
  const out: GridItem[] = [];
  let y = 0;
  let kpiSlot = 0;
  for (const c of readingOrder(components)) {
    if (c.kind === "kpi") {
      out.push({ i: c.id, x: kpiSlot * 12, y, w: 12, h: 4 });
      kpiSlot = (kpiSlot + 1) % 2;
      if (kpiSlot === 0) y += 4;
      continue;
    }
    if (kpiSlot === 1) {
      y += 4;
      kpiSlot = 0;
    }
    const h = c.kind === "filter" ? 2 : c.kind === "text" ? Math.max(3, Math.min(c.pos.h, 6)) : Math.max(7, Math.min(c.pos.h, 9));
    out.push({ i: c.id, x: 0, y, w: COLS, h });
    y += h;
  }
  return out;
}

/** Apply an edited grid back onto the components. */
export function applyLayout(components: Component[], items: GridItem[]): Component[] {
  const byId = new Map(items.map((it) => [it.i, it]));
  return components.map((c) => {
    const it = byId.get(c.id);
    return it ? { ...c, pos: { x: it.x, y: it.y, w: it.w, h: it.h } } : c;
  });
}

/** Whether a grid reported by react-grid-layout moves or resizes any component. */
export function layoutChanged(components: Component[], items: GridItem[]): boolean {
  const byId = new Map(components.map((c) => [c.id, c.pos]));
  return items.some((it) => {
    const p = byId.get(it.i);
    return !!p && (p.x !== it.x || p.y !== it.y || p.w !== it.w || p.h !== it.h);
  });
}

function overlaps(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Where a new w×h component goes: the first free spot in reading order (top to bottom, left to
 * right), so a second half-width chart sits beside the first instead of under it. A filter goes
 * into the top row: beside the filters already there, or on a new top row that pushes the rest
 * down. Returns the new position and the (possibly shifted) existing components.
 */
export function place(components: Component[], w: number, h: number, kind: string): { pos: Component["pos"]; components: Component[] } {
  w = Math.min(w, COLS);
  if (kind === "filter") {
    const top = components.filter((c) => c.pos.y === 0);
    if (top.length && top.every((c) => c.kind === "filter")) {
      const x = top.reduce((m, c) => Math.max(m, c.pos.x + c.pos.w), 0);
      if (x + w <= COLS) return { pos: { x, y: 0, w, h: Math.max(h, ...top.map((c) => c.pos.h)) }, components };
    }
    const shifted = components.map((c) => ({ ...c, pos: { ...c.pos, y: c.pos.y + h } }));
    return { pos: { x: 0, y: 0, w, h }, components: shifted };
  }
  const end = bottom(components);
  for (let y = 0; y <= end; y++) {
    for (let x = 0; x + w <= COLS; x++) {
      const r = { x, y, w, h };
      if (!components.some((c) => overlaps(r, c.pos))) return { pos: r, components };
    }
  }
  return { pos: { x: 0, y: end, w, h }, components };
}

/** The first free row below everything. */
export function bottom(components: Component[]): number {
  return components.reduce((m, c) => Math.max(m, c.pos.y + c.pos.h), 0);
}

export function uniqueId(components: Component[], base: string): string {
  const ids = new Set(components.map((c) => c.id));
  const clean = base.toLowerCase().replace(/[^a-z0-9_-]/g, "_").replace(/^[^a-z0-9]+/, "") || "c";
  if (!ids.has(clean)) return clean;
  let i = 2;
  while (ids.has(`${clean}_${i}`)) i++;
  return `${clean}_${i}`;
}
