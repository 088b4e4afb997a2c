/**
 * Self-service dataset steps, pure (no React, no network): the kinds the API supports, list edits
 * (add, move, delete), a one-line summary per step, and the conversion between a step and the flat
 * values of its edit form.
 *
 * Invariants
 * - Steps are the server's shapes (DatasetSpec.steps in the generated schema); the editor never
 *   invents fields the server does not know (the server forbids extra fields).
 * - formToStep(stepToForm(s)) describes the same step as s (tests/data check this per kind).
 * - Filter values typed into the form are text; they become numbers / booleans only when the column
 *   they compare with is numeric / boolean (coerceValue), so "001" stays text for a text column.
 * - List edits return new arrays; the selected step index follows the step it pointed at.
 */
import type { Schemas } from "../api/client";

export type DatasetSpec = Schemas["DatasetSpec"];
export type Step = DatasetSpec["steps"][number];
export type StepOp = Step["op"];
export type FieldType = "string" | "integer" | "number" | "boolean" | "date" | "timestamp";
export interface Col { name: string; type: string; label?: string | null }
export type Scalar = string | number | boolean;

export const STEP_OPS: StepOp[] = [
  "filter", "calculate", "select", "rename", "retype", "sort", "aggregate", "join", "union", "deduplicate", "pivot", "unpivot",
];
export const STEP_LABELS: Record<StepOp, [string, string]> = {
  select: ["选择字段", "Select columns"], filter: ["筛选", "Filter"], calculate: ["计算列", "Calculated column"],
  aggregate: ["分组汇总", "Group & aggregate"], join: ["关联", "Join"], union: ["追加合并", "Union"],
  sort: ["排序", "Sort"], rename: ["重命名", "Rename"], retype: ["修改类型", "Change types"],
  pivot: ["行转列", "Pivot"], unpivot: ["列转行", "Unpivot"], deduplicate: ["去重", "Deduplicate"],
};
export const FIELD_TYPES: FieldType[] = ["string", "integer", "number", "boolean", "date", "timestamp"];
export const AGGS = ["sum", "count", "count_distinct", "avg", "min", "max", "median"] as const;
export const FILTER_OPS = [
  "=", "!=", ">", ">=", "<", "<=", "in", "not_in", "between", "contains", "starts_with", "ends_with", "is_null", "not_null",
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

// ---- list edits ----------------------------------------------------------------------------
export function moveStep<T>(list: T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= list.length || to < 0 || to >= list.length) return list;
  const out = list.slice();
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item);
  return out;
}

export function removeStep<T>(list: T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

export function insertStep<T>(list: T[], index: number, item: T): T[] {
  const out = list.slice();
  out.splice(Math.max(0, Math.min(index, list.length)), 0, item);
  return out;
}

/** Where the selection (a 1-based step number, 0 = the source) goes after moving a step from → to (0-based). */
export function followMove(selected: number, from: number, to: number): number {
  if (selected === 0) return 0;
  const i = selected - 1;
  if (i === from) return to + 1;
  if (from < i && to >= i) return selected - 1;
  if (from > i && to <= i) return selected + 1;
  return selected;
}

/** The selection after deleting step `index` (0-based): it stays on the same step, or the one before. */
export function followRemove(selected: number, index: number): number {
  if (selected === 0) return 0;
  if (selected - 1 === index) return index; // the previous step (or the source)
  return selected - 1 > index ? selected - 1 : selected;
}

// ---- values --------------------------------------------------------------------------------
/** A value typed as text, converted for a column of type t; undefined when it does not fit. */
export function coerceValue(text: string | number | boolean, t: string): Scalar | undefined {
  if (typeof text !== "string") return text;
  const s = text.trim();
  if (t === "integer" || t === "number") {
    if (s === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s.replace(/,/g, ""))) return undefined;
    return Number(s.replace(/,/g, ""));
  }
  if (t === "boolean") {
    if (/^(true|是|1|yes|y)$/i.test(s)) return true;
    if (/^(false|否|0|no|n)$/i.test(s)) return false;
    return undefined;
  }
  if (t === "date") return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined;
  if (t === "timestamp") return /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(s) ? s : undefined;
  return text;
}

function typeOf(cols: Col[], name: string | undefined): string {
  return cols.find((c) => c.name === name)?.type ?? "string";
}

// ---- form values ---------------------------------------------------------------------------
export interface CondForm { field?: string; op: FilterOp; value?: string; value2?: string; values?: string[] }
export interface SourceForm { kind: "table" | "dataset"; name?: string }
export interface StepForm {
  op: StepOp;
  // select / deduplicate / pivot index / unpivot columns / aggregate group_by
  fields?: string[];
  keep?: "keep" | "drop";
  // filter
  filterMode?: "conditions" | "formula";
  match?: "all" | "any";
  conditions?: CondForm[];
  formula?: string;
  // calculate
  name?: string;
  type?: FieldType | null;
  label?: string;
  // aggregate
  aggregates?: { name?: string; agg: (typeof AGGS)[number]; field?: string }[];
  // sort / deduplicate order
  by?: { field?: string; desc?: boolean }[];
  limit?: number | null;
  // rename / retype
  renames?: { from?: string; to?: string; label?: string }[];
  retypes?: { field?: string; type?: FieldType }[];
  // join / union
  source?: SourceForm;
  how?: "left" | "inner" | "right" | "full";
  on?: { left?: string; right?: string }[];
  distinct?: boolean;
  fill_missing?: boolean;
  // pivot
  column?: string;
  pivotValues?: string[];
  agg?: (typeof AGGS)[number];
  field?: string;
  // unpivot
  name_column?: string;
  value_column?: string;
  drop_nulls?: boolean;
}

/** A new step of a kind, prefilled from the columns flowing into it where that helps. */
export function newStepForm(op: StepOp, cols: Col[]): StepForm {
  const first = cols[0]?.name;
  const num = cols.find((c) => c.type === "integer" || c.type === "number")?.name;
  switch (op) {
    case "filter": return { op, filterMode: "conditions", match: "all", conditions: [{ field: first, op: "=" }] };
    case "calculate": return { op, name: "new_column", formula: "" };
    case "select": return { op, keep: "keep", fields: cols.map((c) => c.name) };
    case "aggregate": return { op, fields: first ? [first] : [], aggregates: [{ name: num ? `${num}_sum` : "rows", agg: num ? "sum" : "count", field: num }] };
    case "sort": return { op, by: [{ field: first, desc: false }] };
    case "rename": return { op, renames: [{ from: first }] };
    case "retype": return { op, retypes: [{ field: first }] };
    case "join": return { op, how: "left", source: { kind: "table" }, on: [{}] };
    case "union": return { op, source: { kind: "table" }, distinct: false, fill_missing: false };
    case "deduplicate": return { op, fields: [], by: [] };
    case "pivot": return { op, fields: [], agg: "sum", field: num, pivotValues: [] };
    case "unpivot": return { op, fields: [], name_column: "attribute", value_column: "value", drop_nulls: false };
  }
}

function sourceForm(ref: { table?: string | null; dataset?: string | null }): SourceForm {
  return ref.dataset ? { kind: "dataset", name: ref.dataset } : { kind: "table", name: ref.table ?? undefined };
}

function sourceRef(s: SourceForm | undefined): { table?: string; dataset?: string } {
  if (!s?.name) throw new StepFormError("请选择要关联/合并的表或数据集", "Pick the table or dataset to join / append");
  return s.kind === "dataset" ? { dataset: s.name } : { table: s.name };
}

const str = (v: Scalar | null | undefined) => (v === null || v === undefined ? undefined : String(v));

export function stepToForm(step: Step): StepForm {
  switch (step.op) {
    case "select":
      return step.fields?.length ? { op: "select", keep: "keep", fields: step.fields } : { op: "select", keep: "drop", fields: step.exclude ?? [] };
    case "filter":
      if (step.formula) return { op: "filter", filterMode: "formula", formula: step.formula, match: step.match ?? "all" };
      return {
        op: "filter", filterMode: "conditions", match: step.match ?? "all",
        conditions: (step.conditions ?? []).map((c) => {
          const values = (c.values ?? []).map((v) => String(v));
          if (c.op === "between") return { field: c.field, op: c.op, value: values[0], value2: values[1] };
          if (c.op === "in" || c.op === "not_in") return { field: c.field, op: c.op, values };
          return { field: c.field, op: c.op as FilterOp, value: str(c.value as Scalar | null) };
        }),
      };
    case "calculate":
      return { op: "calculate", name: step.name, formula: step.formula, type: (step.type as FieldType) ?? null, label: step.label ?? undefined };
    case "aggregate":
      return { op: "aggregate", fields: step.group_by ?? [], aggregates: step.aggregates.map((a) => ({ name: a.name, agg: a.agg, field: a.field ?? undefined })) };
    case "sort":
      return { op: "sort", by: step.by.map((b) => ({ field: b.field, desc: !!b.desc })), limit: step.limit ?? null };
    case "rename": {
      const renames: { from?: string; to?: string; label?: string }[] = Object.entries(step.columns ?? {}).map(([from, to]) => ({ from, to, label: step.labels?.[to] }));
      for (const [name, label] of Object.entries(step.labels ?? {}))
        if (!renames.some((r) => r.to === name)) renames.push({ from: name, to: undefined, label });
      return { op: "rename", renames };
    }
    case "retype":
      return { op: "retype", retypes: Object.entries(step.columns).map(([field, type]) => ({ field, type: type as FieldType })) };
    case "join":
      return { op: "join", how: step.how ?? "left", source: sourceForm(step.with), on: step.on.map((k) => ({ left: k.left, right: k.right })) };
    case "union":
      return { op: "union", source: sourceForm(step.with), distinct: !!step.distinct, fill_missing: !!step.fill_missing };
    case "deduplicate":
      return { op: "deduplicate", fields: step.fields ?? [], by: (step.order_by ?? []).map((b) => ({ field: b.field, desc: !!b.desc })) };
    case "pivot":
      return { op: "pivot", fields: step.index ?? [], column: step.column, agg: step.agg ?? "sum", field: step.field ?? undefined,
        pivotValues: (step.values ?? []).map((v) => String(v.value)) };
    case "unpivot":
      return { op: "unpivot", fields: step.columns, name_column: step.name_column ?? "attribute", value_column: step.value_column ?? "value", drop_nulls: !!step.drop_nulls };
  }
}

/** A form problem the editor shows before sending anything. */
export class StepFormError extends Error {
  constructor(public zh: string, public en: string) {
    super(zh);
  }
}

function need<T>(v: T | undefined | null | "", zh: string, en: string): T {
  if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) throw new StepFormError(zh, en);
  return v as T;
}

function coerceOrFail(text: string | undefined, t: string, field: string): Scalar {
  const v = coerceValue(need(text, `请填写 ${field} 的取值`, `Give a value for ${field}`), t);
  if (v === undefined) throw new StepFormError(`「${text}」不是${typeLabel(t, "zh")}，无法与 ${field} 比较`, `"${text}" is not a valid ${t} for ${field}`);
  return v;
}

/** The step a form describes, its values typed after the columns flowing in (cols). Throws StepFormError. */
export function formToStep(f: StepForm, cols: Col[]): Step {
  switch (f.op) {
    case "select": {
      const fields = need(f.fields, "至少选择一个字段", "Pick at least one column");
      return f.keep === "drop" ? { op: "select", fields: [], exclude: fields } : { op: "select", fields, exclude: [] };
    }
    case "filter": {
      if (f.filterMode === "formula")
        return { op: "filter", formula: need(f.formula?.trim(), "请填写筛选公式", "Write the filter formula"), conditions: [], match: f.match ?? "all" };
      const conditions = need(f.conditions, "至少添加一个条件", "Add at least one condition").map((c) => {
        const field = need(c.field, "请为每个条件选择字段", "Pick a column for every condition");
        const t = typeOf(cols, field);
        if (c.op === "is_null" || c.op === "not_null") return { field, op: c.op };
        if (c.op === "between") return { field, op: c.op, values: [coerceOrFail(c.value, t, field), coerceOrFail(c.value2, t, field)] };
        if (c.op === "in" || c.op === "not_in")
          return { field, op: c.op, values: need(c.values, `请填写 ${field} 的取值列表`, `List the values for ${field}`).map((v) => coerceOrFail(v, t, field)) };
        return { field, op: c.op, value: coerceOrFail(c.value, t, field) };
      });
      return { op: "filter", conditions, match: f.match ?? "all" } as Step;
    }
    case "calculate": {
      const step: Step = { op: "calculate", name: need(f.name?.trim(), "请填写新列名", "Name the new column"), formula: need(f.formula?.trim(), "请填写公式", "Write the formula") };
      if (f.type) step.type = f.type;
      if (f.label?.trim()) step.label = f.label.trim();
      return step;
    }
    case "aggregate":
      return {
        op: "aggregate", group_by: f.fields ?? [],
        aggregates: need(f.aggregates, "至少添加一个汇总项", "Add at least one aggregate").map((a) => {
          const out: { name: string; agg: (typeof AGGS)[number]; field?: string } = { name: need(a.name?.trim(), "请为每个汇总项命名", "Name every aggregate"), agg: a.agg };
          if (a.field) out.field = a.field;
          else if (a.agg !== "count") throw new StepFormError(`${a.agg} 需要选择字段`, `${a.agg} needs a column`);
          return out;
        }),
      } as Step;
    case "sort": {
      const by = need(f.by, "至少添加一个排序字段", "Add a sort column").map((b) => ({ field: need(b.field, "请选择排序字段", "Pick the sort column"), desc: !!b.desc }));
      return f.limit ? { op: "sort", by, limit: f.limit } : { op: "sort", by };
    }
    case "rename": {
      const columns: Record<string, string> = {};
      const labels: Record<string, string> = {};
      for (const r of need(f.renames, "至少添加一个字段", "Add at least one column")) {
        const from = need(r.from, "请选择要重命名的字段", "Pick the column to rename");
        const to = r.to?.trim();
        if (to && to !== from) columns[from] = to;
        if (r.label?.trim()) labels[to || from] = r.label.trim();
      }
      if (!Object.keys(columns).length && !Object.keys(labels).length) throw new StepFormError("请填写新名称或显示名", "Give a new name or a label");
      return { op: "rename", columns, labels };
    }
    case "retype": {
      const columns: Record<string, FieldType> = {};
      for (const r of need(f.retypes, "至少添加一个字段", "Add at least one column"))
        columns[need(r.field, "请选择字段", "Pick the column")] = need(r.type, `请为 ${r.field} 选择新类型`, `Pick the new type of ${r.field}`);
      return { op: "retype", columns };
    }
    case "join":
      return {
        op: "join", how: f.how ?? "left", with: sourceRef(f.source) as Schemas["SourceRef"],
        on: need(f.on, "至少添加一对关联字段", "Add at least one key pair").map((k) => ({
          left: need(k.left, "请选择左侧关联字段", "Pick the left key"), right: need(k.right, "请选择右侧关联字段", "Pick the right key"),
        })),
      } as Step;
    case "union":
      return { op: "union", with: sourceRef(f.source) as Schemas["SourceRef"], distinct: !!f.distinct, fill_missing: !!f.fill_missing } as Step;
    case "deduplicate":
      return { op: "deduplicate", fields: f.fields ?? [], order_by: (f.by ?? []).filter((b) => b.field).map((b) => ({ field: b.field!, desc: !!b.desc })) };
    case "pivot": {
      const column = need(f.column, "请选择要转成列的字段", "Pick the column whose values become columns");
      const t = typeOf(cols, column);
      const step: Record<string, unknown> = { op: "pivot", index: f.fields ?? [], column, agg: f.agg ?? "sum" };
      if (f.field) step.field = f.field;
      if (f.pivotValues?.length) step.values = f.pivotValues.map((v) => ({ value: coerceOrFail(v, t, column) }));
      return step as Step;
    }
    case "unpivot":
      return {
        op: "unpivot", columns: need(f.fields, "至少选择一个字段", "Pick at least one column"),
        name_column: f.name_column?.trim() || "attribute", value_column: f.value_column?.trim() || "value", drop_nulls: !!f.drop_nulls,
      };
  }
}

// ---- display -------------------------------------------------------------------------------
const TYPE_LABELS: Record<string, [string, string]> = {
  string: ["文本", "text"], integer: ["整数", "integer"], number: ["数值", "number"], boolean: ["布尔", "boolean"],
  date: ["日期", "date"], timestamp: ["日期时间", "date-time"],
};

export function typeLabel(t: string, lang: "zh" | "en"): string {
  const l = TYPE_LABELS[t];
  return l ? l[lang === "zh" ? 0 : 1] : t;
}

function fmtVal(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : String(v);
}

/** One line describing a step, in the UI language. */
export function stepSummary(step: Step, lang: "zh" | "en"): string {
  const zh = lang === "zh";
  const list = (xs: string[], max = 4) => (xs.length > max ? `${xs.slice(0, max).join(", ")} …(+${xs.length - max})` : xs.join(", "));
  switch (step.op) {
    case "select":
      return step.fields?.length ? `${zh ? "保留" : "keep"} ${list(step.fields)}` : `${zh ? "删除" : "drop"} ${list(step.exclude ?? [])}`;
    case "filter": {
      if (step.formula) return step.formula;
      const parts = (step.conditions ?? []).map((c) => {
        if (c.op === "is_null" || c.op === "not_null") return `${c.field} ${c.op === "is_null" ? (zh ? "为空" : "is empty") : zh ? "不为空" : "is not empty"}`;
        if (c.values) return `${c.field} ${c.op} [${c.values.map(fmtVal).join(", ")}]`;
        return `${c.field} ${c.op} ${fmtVal(c.value)}`;
      });
      return parts.join(step.match === "any" ? (zh ? " 或 " : " or ") : zh ? " 且 " : " and ");
    }
    case "calculate": return `${step.name} = ${step.formula}`;
    case "aggregate": {
      const aggs = step.aggregates.map((a) => `${a.name} = ${a.agg}(${a.field ?? "*"})`);
      return step.group_by?.length ? `${zh ? "按" : "by"} ${list(step.group_by)}: ${list(aggs, 3)}` : list(aggs, 3);
    }
    case "sort": {
      const s = step.by.map((b) => `${b.field}${b.desc ? " ↓" : " ↑"}`).join(", ");
      return step.limit ? `${s}, ${zh ? "前" : "top"} ${step.limit}` : s;
    }
    case "rename":
      return list([...Object.entries(step.columns ?? {}).map(([a, b]) => `${a} → ${b}`), ...Object.entries(step.labels ?? {}).map(([a, b]) => `${a}: ${b}`)], 3);
    case "retype": return list(Object.entries(step.columns).map(([a, b]) => `${a}: ${typeLabel(b, lang)}`), 3);
    case "join": return `${step.how ?? "left"} join ${step.with.table ?? step.with.dataset} on ${step.on.map((k) => `${k.left} = ${k.right}`).join(", ")}`;
    case "union": return `${zh ? "追加" : "append"} ${step.with.table ?? step.with.dataset}${step.distinct ? (zh ? "（去重）" : " (distinct)") : ""}`;
    case "deduplicate": return step.fields?.length ? `${zh ? "按" : "by"} ${list(step.fields)}` : zh ? "整行去重" : "whole rows";
    case "pivot": return `${step.column} → ${zh ? "列" : "columns"}, ${step.agg ?? "sum"}(${step.field ?? "*"})`;
    case "unpivot": return `${list(step.columns)} → ${step.name_column ?? "attribute"}, ${step.value_column ?? "value"}`;
  }
}
