/** Texts and value formatting of the 专精特新 self-assessment page (zh first, en). */
import type { components } from "../api/schema";
import { formatValue } from "../format";
import { useI18n } from "../i18n";

export type AssessOut = components["schemas"]["AssessOut"];
export type Criterion = components["schemas"]["CriterionOut"];
export type Question = components["schemas"]["QuestionOut"];
export type AnswersOut = components["schemas"]["AnswersOut"];

const TEXT = {
  title: ["专精特新自评", "专精特新 self-assessment"],
  intro: ["按《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）逐条对照：能从数据算出的指标自动计算，数据里没有的请在下方填报。",
    "Each criterion of the MIIT 2022 tiered-cultivation measures: what the data shows is computed, the rest you answer below."],
  year: ["评估年份", "Assessment year"],
  thisYear: ["看今年的自评", "This year's assessment"],
  basis: ["{year} 年评估，依据 {y1}、{y2} 年数据", "Assessed for {year}, from the {y1} and {y2} figures"],
  value: ["本企业", "Company"],
  threshold: ["门槛", "Threshold"],
  gap: ["差距", "Gap"],
  source: ["依据", "Source"],
  met: ["达标", "Met"],
  notMet: ["未达标", "Not met"],
  unknown: ["待补充", "Unknown"],
  na: ["不适用", "N/A"],
  viaAlt: ["经其他途径满足", "met by another route"],
  needs: ["需填报：", "Needs: "],
  noData: ["数据中缺少：", "No data for: "],
  counts: ["达标 {met} · 未达标 {not} · 待补充 {unknown}", "{met} met · {not} not met · {unknown} unknown"],
  print: ["打印", "Print"],
  pdf: ["导出 PDF", "Export PDF"],
  answers: ["需要填报的信息", "What the data cannot show"],
  answersHelp: ["这些信息数据里没有，填报后参与评估；留空表示未知。", "Not in the data: your answers count in the assessment; empty means unknown."],
  save: ["保存", "Save"],
  saved: ["已保存", "Saved"],
  yes: ["是", "Yes"],
  no: ["否", "No"],
  unset: ["未填", "Not answered"],
  by: ["{who} 于 {when} 填报", "by {who}, {when}"],
  mainBusiness: ["主营业务", "Main business"],
  asOf: ["截至 {date}", "as of {date}"],
  readOnly: ["只有编辑者和管理员可以填报。", "Only editors and administrators can answer."],
} as const;

export type AssessKey = keyof typeof TEXT;

export function useAssessText() {
  const { lang } = useI18n();
  return (key: AssessKey, vars?: Record<string, string | number>) => {
    let s: string = TEXT[key][lang === "en" ? 1 : 0];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}

/** A criterion's value or threshold as people read it: 元 in 万/亿, ratios in %, yes/no, counts. */
export function shown(v: number | null | undefined, unit: string, lang: "zh" | "en"): string {
  if (v === null || v === undefined) return "—";
  if (unit === "bool") return v ? (lang === "en" ? "Yes" : "是") : lang === "en" ? "No" : "否";
  if (unit === "ratio") return formatValue(v, "percent", lang);
  if (unit === "元") return formatValue(v, "currency", lang);
  const u = lang === "en" ? { 年: " yrs", 项: "", 分: " pts", 人: "" }[unit] ?? "" : unit;
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${u ? (lang === "en" ? u : ` ${u}`) : ""}`;
}

export const OP_TEXT: Record<string, string> = { ">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=" };
