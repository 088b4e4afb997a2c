import { describe, expect, it } from "vitest";
import { fromCondition, toCondition, type ConditionIn } from "../condition";

const round = (c: ConditionIn, fmt: string) => toCondition(fromCondition(c, fmt), fmt);

describe("alert conditions", () => {
  it("keeps every condition the server accepts", () => {
    const cases: [ConditionIn, string][] = [
      [{ type: "threshold", op: ">", value: 1200000 }, "currency"],
      [{ type: "threshold", op: "<=", value: 0.035 }, "percent"],
      [{ type: "threshold", op: "<", value: 250000000, severity: "high" }, "currency"],
      [{ type: "threshold", op: ">=", value: 37.5 }, "number"],
      [{ type: "change", compare: "previous", op: "<", value: -0.2 }, "currency"],
      [{ type: "change", compare: "last_year", op: ">", value: 0.15, lookback: 3 }, "currency"],
      [{ type: "change", compare: "previous", op: ">", value: 0.1, direction: "both" }, "percent"],
      [{ type: "change", compare: "previous", op: ">", value: -0.05 }, "integer"],
      [{ type: "anomaly", direction: "up", lookback: 12 }, "percent"],
      [{ type: "anomaly", direction: "both" }, "currency"],
    ];
    for (const [c, fmt] of cases) expect(round(c, fmt)).toEqual(c);
  });

  it("shows percent metrics in % and money in 万 / 亿 where it reads better", () => {
    expect(fromCondition({ type: "threshold", op: ">", value: 0.035 }, "percent")).toMatchObject({ kind: "above", amount: 3.5 });
    expect(fromCondition({ type: "threshold", op: ">", value: 1200000 }, "currency")).toMatchObject({ amount: 120, scale: 1e4 });
    expect(fromCondition({ type: "threshold", op: "<", value: 250000000 }, "currency")).toMatchObject({ kind: "below", amount: 2.5, scale: 1e8 });
    expect(fromCondition({ type: "threshold", op: ">", value: 1234.5 }, "currency")).toMatchObject({ amount: 1234.5, scale: 1 });
  });

  it("maps the ways of a change", () => {
    expect(toCondition({ kind: "change", way: "down", pct: 20, compare: "previous" }, "currency")).toEqual({ type: "change", compare: "previous", op: "<", value: -0.2 });
    expect(toCondition({ kind: "change", way: "any", pct: 7, compare: "last_year" }, "currency")).toEqual({ type: "change", compare: "last_year", op: ">", value: 0.07, direction: "both" });
    expect(toCondition({ kind: "above", amount: 3.5, inclusive: true }, "percent")).toEqual({ type: "threshold", op: ">=", value: 0.035 });
  });
});
