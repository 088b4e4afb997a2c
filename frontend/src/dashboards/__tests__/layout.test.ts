import { describe, expect, it } from "vitest";
import { place } from "../layout";
import type { Component } from "../types";

const comp = (id: string, kind: string, x: number, y: number, w: number, h: number) =>
  ({ id, kind, pos: { x, y, w, h } }) as unknown as Component;

describe("place: where a new component goes", () => {
  it("fills the free half beside a chart before starting a new row", () => {
    const cs = [comp("a", "chart", 0, 0, 12, 8)];
    expect(place(cs, 12, 8, "chart").pos).toEqual({ x: 12, y: 0, w: 12, h: 8 });
    const two = [...cs, comp("b", "chart", 12, 0, 12, 8)];
    expect(place(two, 12, 8, "chart").pos).toEqual({ x: 0, y: 8, w: 12, h: 8 });
  });
  it("puts an empty dashboard's first component at the top left", () => {
    expect(place([], 12, 8, "chart").pos).toEqual({ x: 0, y: 0, w: 12, h: 8 });
  });
  it("puts a filter on the top row, pushing the rest down, or beside other filters", () => {
    const cs = [comp("a", "chart", 0, 0, 12, 8)];
    const first = place(cs, 8, 2, "filter");
    expect(first.pos).toEqual({ x: 0, y: 0, w: 8, h: 2 });
    expect(first.components[0].pos.y).toBe(2);
    const withFilter = [comp("f", "filter", 0, 0, 8, 2), ...first.components];
    const second = place(withFilter, 8, 2, "filter");
    expect(second.pos).toEqual({ x: 8, y: 0, w: 8, h: 2 });
    expect(second.components).toBe(withFilter);  // nothing moves
  });
});
