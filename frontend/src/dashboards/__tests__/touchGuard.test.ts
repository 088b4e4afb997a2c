import { describe, expect, it } from "vitest";
import { openedBy, pressedOn } from "../touchGuard";

const tile = { top: 100, height: 300 };

describe("the action bar's touch guard", () => {
  it("a mouse click opens an armed bar at the top, as before", () => {
    expect(openedBy({ type: "mouse", y: 120, at: 5 }, tile)).toEqual({ touch: false, below: false, armed: true, at: 0 });
    expect(openedBy(null, tile).armed).toBe(true);
  });

  it("a tap opens a disarmed bar away from the finger", () => {
    expect(openedBy({ type: "touch", y: 130, at: 5 }, tile)).toMatchObject({ touch: true, below: true, armed: false });
    expect(openedBy({ type: "touch", y: 330, at: 5 }, tile)).toMatchObject({ touch: true, below: false, armed: false });
  });

  it("only a later press on the bar arms it", () => {
    const o = openedBy({ type: "touch", y: 130, at: 50 }, tile);
    expect(pressedOn(o, 50).armed).toBe(false); // the opening tap itself
    expect(pressedOn(o, 40).armed).toBe(false);
    expect(pressedOn(o, 900).armed).toBe(true);
  });
});
