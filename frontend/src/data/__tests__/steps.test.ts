import { describe, expect, it } from "vitest";
import {
  coerceValue, followMove, followRemove, formToStep, insertStep, moveStep, newStepForm, removeStep, STEP_OPS, stepSummary, stepToForm,
  StepFormError, type Col, type Step,
} from "../steps";
import { translate } from "../i18n";
import { duckTypeLabel, fmtBytes, percent, tableNameProblem, typeKind } from "../types";

const cols: Col[] = [
  { name: "region", type: "string" }, { name: "amount", type: "number" }, { name: "qty", type: "integer" },
  { name: "paid", type: "boolean" }, { name: "day", type: "date" },
];

/** One step of every kind the API supports, as the server would return it. */
const EXAMPLES: Step[] = [
  { op: "select", fields: ["region", "amount"], exclude: [] },
  { op: "select", fields: [], exclude: ["paid"] },
  { op: "filter", conditions: [{ field: "amount", op: ">", value: 1000 }, { field: "region", op: "in", values: ["华东", "华南"] },
    { field: "day", op: "between", values: ["2025-01-01", "2025-12-31"] }, { field: "paid", op: "is_null" }], match: "any" },
  { op: "filter", formula: "amount > 10", conditions: [], match: "all" },
  { op: "calculate", name: "price", formula: "amount / qty", type: "number", label: "单价" },
  { op: "aggregate", group_by: ["region"], aggregates: [{ name: "total", agg: "sum", field: "amount" }, { name: "n", agg: "count" }] },
  { op: "sort", by: [{ field: "amount", desc: true }], limit: 10 },
  { op: "rename", columns: { amount: "sales" }, labels: { sales: "销售额" } },
  { op: "retype", columns: { qty: "number" } },
  { op: "join", how: "inner", with: { table: "customers" }, on: [{ left: "region", right: "region" }] },
  { op: "union", with: { dataset: "other" }, distinct: true, fill_missing: false },
  { op: "deduplicate", fields: ["region"], order_by: [{ field: "day", desc: true }] },
  { op: "pivot", index: ["region"], column: "qty", values: [{ value: 1 }, { value: 2 }], agg: "sum", field: "amount" },
  { op: "unpivot", columns: ["amount", "qty"], name_column: "metric", value_column: "v", drop_nulls: true },
] as Step[];

describe("step ↔ form", () => {
  it.each(EXAMPLES.map((s) => [s.op, s] as const))("round-trips a %s step", (_, step) => {
    expect(formToStep(stepToForm(step), cols)).toEqual(step);
  });

  it("types filter values after the column: numbers for numeric columns, text stays text", () => {
    const step = formToStep({ op: "filter", filterMode: "conditions", match: "all", conditions: [
      { field: "amount", op: ">=", value: "1,000.5" }, { field: "region", op: "=", value: "001" }, { field: "paid", op: "=", value: "是" },
    ] }, cols);
    expect(step).toEqual({ op: "filter", match: "all", conditions: [
      { field: "amount", op: ">=", value: 1000.5 }, { field: "region", op: "=", value: "001" }, { field: "paid", op: "=", value: true },
    ] });
  });

  it("refuses a value that does not fit its column, in both languages", () => {
    try {
      formToStep({ op: "filter", filterMode: "conditions", conditions: [{ field: "amount", op: ">", value: "abc" }] }, cols);
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(StepFormError);
      expect((e as StepFormError).zh).toContain("数值");
      expect((e as StepFormError).en).toContain("amount");
    }
    expect(() => formToStep({ op: "calculate", name: "x", formula: " " }, cols)).toThrow(StepFormError);
    expect(() => formToStep({ op: "aggregate", fields: [], aggregates: [{ name: "s", agg: "sum" }] }, cols)).toThrow(StepFormError);
  });

  it("prefills a new step of every kind from the incoming columns", () => {
    for (const op of STEP_OPS) expect(newStepForm(op, cols).op).toBe(op);
    expect(newStepForm("aggregate", cols).aggregates?.[0]).toEqual({ name: "amount_sum", agg: "sum", field: "amount" });
    expect(formToStep(newStepForm("select", cols), cols)).toEqual({ op: "select", fields: cols.map((c) => c.name), exclude: [] });
  });
});

describe("list edits", () => {
  it("moves, removes and inserts without touching the input", () => {
    const xs = ["a", "b", "c", "d"];
    expect(moveStep(xs, 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(moveStep(xs, 3, 0)).toEqual(["d", "a", "b", "c"]);
    expect(moveStep(xs, 1, 9)).toBe(xs);
    expect(removeStep(xs, 1)).toEqual(["a", "c", "d"]);
    expect(insertStep(xs, 2, "x")).toEqual(["a", "b", "x", "c", "d"]);
    expect(xs).toEqual(["a", "b", "c", "d"]);
  });

  it("keeps the selection on the same step", () => {
    // selection is 1-based (0 = source); moves are 0-based
    expect(followMove(1, 0, 2)).toBe(3); // the moved step itself
    expect(followMove(3, 0, 2)).toBe(2); // a step that shifted up
    expect(followMove(2, 3, 0)).toBe(3); // a step that shifted down
    expect(followMove(4, 0, 1)).toBe(4); // untouched
    expect(followMove(0, 0, 1)).toBe(0);
    expect(followRemove(3, 2)).toBe(2); // deleted the selected step: the one before
    expect(followRemove(3, 0)).toBe(2);
    expect(followRemove(1, 2)).toBe(1);
  });
});

describe("display", () => {
  it("summarizes steps in Chinese and English", () => {
    expect(stepSummary(EXAMPLES[2], "zh")).toContain(" 或 ");
    expect(stepSummary(EXAMPLES[2], "en")).toContain('region in ["华东", "华南"]');
    expect(stepSummary(EXAMPLES[4], "zh")).toBe("price = amount / qty");
    expect(stepSummary(EXAMPLES[6], "zh")).toBe("amount ↓, 前 10");
    expect(stepSummary(EXAMPLES[8], "zh")).toBe("qty: 数值");
  });

  it("coerces typed values", () => {
    expect(coerceValue("12", "integer")).toBe(12);
    expect(coerceValue("x", "integer")).toBeUndefined();
    expect(coerceValue("2025-02-30x", "date")).toBeUndefined();
    expect(coerceValue("2025-02-03 10:00", "timestamp")).toBe("2025-02-03 10:00");
    expect(coerceValue("否", "boolean")).toBe(false);
  });

  it("labels DuckDB types, sizes and table names", () => {
    expect(typeKind("DECIMAL(18,2)")).toBe("decimal");
    expect(typeKind("TIMESTAMP WITH TIME ZONE")).toBe("timestamp");
    expect(duckTypeLabel("VARCHAR", "zh")).toBe("文本");
    expect(duckTypeLabel("BIGINT", "en")).toBe("Integer");
    expect(percent(1, 3)).toBe("33.3%");
    expect(percent(0, 0)).toBe("0%");
    expect(fmtBytes(1536)).toBe("1.5 KB");
    expect(tableNameProblem("sales_2025")).toBeNull();
    expect(tableNameProblem("2025")).not.toBeNull();
    expect(tableNameProblem("x__rejects")).not.toBeNull();
    expect(translate("en", "imp.done", { rows: 4, table: "t" })).toBe("Imported 4 rows into t");
    expect(translate("zh", "imp.done", { rows: 4, table: "t" })).toBe("已导入 4 行到 t");
  });
});
