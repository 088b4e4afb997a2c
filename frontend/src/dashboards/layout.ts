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

/** The first free row below everything (where a new component goes). */
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
