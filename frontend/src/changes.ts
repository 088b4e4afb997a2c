/**
 * Changes (同比 / 环比, increases and decreases): their colour and their text, in one place.
 *
 * Colour convention (涨跌颜色): "red_up" (红涨绿跌, the Chinese convention, the default) or "green_up"
 * (绿涨红跌). The company sets it (PUT /preferences/company), a user may override it (PUT /preferences);
 * the app loads the effective one at sign-in (setChangeColors) and every change colour comes from here.
 *
 * Good and bad: the convention names the colour of a rise of an ordinary metric (higher is better). A
 * metric whose lower values are better (不良率, 交期, 成本) keeps its meaning — its arrow still points up
 * when it rises — but its colour says whether the change is good: a rising defect rate gets the colour
 * of a fall (green in 红涨绿跌). So one colour always means "better", the other "worse", on every page.
 *
 * Rates compare in percentage points: the change of a percent metric is the difference of two rates
 * (0.0298 → 「2.98 个百分点」 / "2.98 pp"), never a relative percent; other metrics' relative changes are
 * percents (0.153 → 15.3%).
 */
import { useSyncExternalStore } from "react";
import { RULES, formatValue } from "./format";
import type { Lang } from "./i18n";

export type ChangeColors = "red_up" | "green_up";
export const RED = "#f53f3f";
export const GREEN = "#00b42a";

let current: ChangeColors = "red_up";
const listeners = new Set<() => void>();

export function setChangeColors(c: ChangeColors | null | undefined): void {
  const next = c === "green_up" ? "green_up" : "red_up";
  if (next === current) return;
  current = next;
  listeners.forEach((f) => f());
}

export const getChangeColors = (): ChangeColors => current;

/** The effective convention, re-rendering when it changes. */
export function useChangeColors(): ChangeColors {
  return useSyncExternalStore(
    (f) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    () => current,
  );
}

/** Whether a change is good (true), bad (false) or neither (null: no change known, or none). */
export function isGood(delta: number | null | undefined, higherIsBetter = true): boolean | null {
  if (delta === null || delta === undefined || !Number.isFinite(delta) || delta === 0) return null;
  return delta > 0 === higherIsBetter;
}

/** The colour of a change under a convention (default: the effective one); undefined when neutral. */
export function changeColor(delta: number | null | undefined, opts: { higherIsBetter?: boolean; colors?: ChangeColors } = {}): string | undefined {
  const good = isGood(delta, opts.higherIsBetter ?? true);
  if (good === null) return undefined;
  const riseColor = (opts.colors ?? current) === "red_up" ? RED : GREEN;
  const fallColor = riseColor === RED ? GREEN : RED;
  return good ? riseColor : fallColor;
}

/** The colours of a rise and a fall of an ordinary metric (waterfalls, contribution tables). */
export function riseFall(colors: ChangeColors = current): { rise: string; fall: string } {
  return colors === "red_up" ? { rise: RED, fall: GREEN } : { rise: GREEN, fall: RED };
}

/** The size of a change, unsigned (the arrow says the direction): relative growth as a percent, a
 * difference of two rates (`points`) in percentage points. */
export function changeMagnitude(delta: number, lang: Lang, points = false): string {
  if (!points) return formatValue(Math.abs(delta), "percent", lang);
  const n = Math.abs(delta) * 100;
  return `${n.toFixed(2).replace(/\.?0+$/, "")}${RULES.points[lang]}`;
}

/** A signed change as text: 「↑2.98 个百分点」 / "+2.98 pp" for rates, 「↑15.3%」 / "+15.3%" otherwise. */
export function changeText(delta: number | null | undefined, lang: Lang, points = false): string | null {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return null;
  const size = changeMagnitude(delta, lang, points);
  if (lang === "zh") return `${delta >= 0 ? "↑" : "↓"}${size.trim()}`;
  return `${delta >= 0 ? "+" : "-"}${size.trim()}`;
}
