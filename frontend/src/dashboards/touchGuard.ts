/**
 * The touch guard of a chart's action bar (components/ChartTile.tsx). Pure, unit-tested.
 *
 * On a touch screen one tap is a sequence — touchstart, pointerdown, touchend, ECharts' click, then the
 * browser's compatibility click ~0–300 ms later at the same spot. The first click opens the action bar;
 * the later one must not land on it. So:
 * - a bar opened by a touch is placed on the half of the tile away from the finger (below when the tap
 *   was in the upper half, at the top otherwise);
 * - its buttons are disarmed until a NEW press starts on the bar itself (a pointerdown or touchstart
 *   later than the one that opened it); clicks before that are ignored.
 * A bar opened by a mouse is armed at once (desktop behaviour unchanged).
 */
export interface Press {
  type: string; // "mouse" | "touch" | "pen"
  y: number; // clientY
  at: number; // event timeStamp
}

export interface Opening {
  touch: boolean;
  below: boolean;
  armed: boolean;
  at: number;
}

export function openedBy(press: Press | null, tile: { top: number; height: number } | null): Opening {
  const touch = press?.type === "touch" || press?.type === "pen";
  if (!touch || !press) return { touch: false, below: false, armed: true, at: 0 };
  const below = tile ? press.y - tile.top < tile.height / 2 : true;
  return { touch: true, below, armed: false, at: press.at };
}

/** A press on the bar: it arms the bar only when it began after the press that opened it. */
export function pressedOn(o: Opening, at: number): Opening {
  if (!o.touch || o.armed || at <= o.at) return o;
  return { ...o, armed: true };
}
