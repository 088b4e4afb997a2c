/**
 * An alert's condition as people say it — 高于 / 低于 / 变化超过 / 异常 — and the API's condition
 * (delivery/alerts.py on the server). Threshold values are entered in the metric's unit: a percent
 * metric in % (stored as a fraction), money and counts with a 万 / 亿 scale. Pure, unit-tested.
 *
 * Invariants:
 * - toCondition(fromCondition(c)) === c for every condition the server accepts (op, value, compare,
 *   direction, lookback, severity are all kept; ">=" / "<=" are the 含等于 switch under 高级).
 * - Change: 上升超过 x% is op ">" value x; 下降超过 x% is op "<" value −x; 变化超过 x% (either way)
 *   is direction "both", op ">" value x.
 */
import type { Fmt } from "../format";

export type Kind = "above" | "below" | "change" | "anomaly";
export type ChangeWay = "any" | "up" | "down";

export interface ConditionForm {
  kind: Kind;
  /** above/below: the threshold in display units (× scale; percent metrics in %) */
  amount?: number;
  scale?: number;
  inclusive?: boolean;
  compare?: "previous" | "last_year";
  way?: ChangeWay;
  /** change: percent */
  pct?: number;
  direction?: "both" | "up" | "down";
  lookback?: number;
  severity?: "low" | "medium" | "high";
}

export interface ConditionIn {
  type: "threshold" | "change" | "anomaly";
  op?: ">" | ">=" | "<" | "<=";
  value?: number;
  compare?: "previous" | "last_year";
  direction?: "both" | "up" | "down";
  lookback?: number;
  severity?: "low" | "medium" | "high";
}

export const isPercent = (fmt: Fmt) => fmt === "percent";

/** The scales a threshold can be typed in: [factor, zh prefix, en prefix]. */
export function scales(fmt: Fmt): [number, string, string][] {
  if (isPercent(fmt)) return [[1, "", ""]];
  return [[1, "", ""], [1e4, "万", "×10k "], [1e8, "亿", "×100M "]];
}

/** Fixes floating noise from scaling (0.07 × 100 = 7.000000000000001). */
const clean = (v: number) => Number(v.toPrecision(12));

function pickScale(v: number, fmt: Fmt): number {
  if (isPercent(fmt)) return 1;
  for (const [f] of [...scales(fmt)].reverse()) {
    if (f > 1 && Math.abs(v) >= f && Number.isInteger(clean((v / f) * 1e4))) return f;
  }
  return 1;
}

export function fromCondition(c: ConditionIn | null | undefined, fmt: Fmt): ConditionForm {
  const base: ConditionForm = { kind: "above", scale: 1, inclusive: false, compare: "previous", way: "any", direction: "both", lookback: c?.lookback ?? 1, severity: c?.severity };
  if (!c) return base;
  const inclusive = c.op === ">=" || c.op === "<=";
  if (c.type === "anomaly") return { ...base, kind: "anomaly", direction: c.direction ?? "both" };
  const value = c.value ?? 0;
  if (c.type === "threshold") {
    const kind = c.op === "<" || c.op === "<=" ? "below" : "above";
    if (isPercent(fmt)) return { ...base, kind, inclusive, amount: clean(value * 100), scale: 1 };
    const scale = pickScale(value, fmt);
    return { ...base, kind, inclusive, amount: clean(value / scale), scale };
  }
  const up = c.op === ">" || c.op === ">=";
  const way: ChangeWay = c.direction === "both" ? "any" : up ? "up" : "down";
  const pct = clean((way === "down" ? -value : value) * 100);
  return { ...base, kind: "change", inclusive, compare: c.compare ?? "previous", way, pct };
}

export function toCondition(f: ConditionForm, fmt: Fmt): ConditionIn {
  const extra: Partial<ConditionIn> = {};
  if (f.lookback && f.lookback !== 1) extra.lookback = f.lookback;
  if (f.kind === "anomaly") return { type: "anomaly", direction: f.direction ?? "both", ...extra };
  if (f.severity) extra.severity = f.severity;
  const amount = f.amount ?? 0;
  if (f.kind === "above" || f.kind === "below") {
    const value = isPercent(fmt) ? clean(amount / 100) : clean(amount * (f.scale ?? 1));
    const op = f.kind === "above" ? (f.inclusive ? ">=" : ">") : f.inclusive ? "<=" : "<";
    return { type: "threshold", op, value, ...extra };
  }
  const pct = clean((f.pct ?? 0) / 100);
  const compare = f.compare ?? "previous";
  if (f.way === "down") return { type: "change", compare, op: f.inclusive ? "<=" : "<", value: clean(-pct), ...extra };
  if (f.way === "up") return { type: "change", compare, op: f.inclusive ? ">=" : ">", value: pct, ...extra };
  return { type: "change", compare, op: f.inclusive ? ">=" : ">", value: pct, direction: "both", ...extra };
}
