/** Texts of the priority and allocation page (zh first, en), kept with its components. */
import { useI18n } from "../i18n";

const TEXT = {
  title: ["立项与资源分配", "Project priority and allocation"],
  intro: [
    "每个待立项提案和在研项目按战略契合度、预期价值（预期年收入 × 历史成功率）、风险和所在领域的热度/空白打分；在预算和人力之内选出总分最高的组合（精确求解）。拖动预算看组合如何变化。",
    "Every proposal and running project is scored on strategic fit, expected value (expected annual revenue × past success rate), risk and its field's hot-spot / white-space signal; the portfolio with the highest total score that fits the budget and headcount is chosen exactly. Move the budget to see the portfolio change.",
  ],
  budget: ["预算", "Budget"],
  headcount: ["人力（人）", "Headcount"],
  keepRunning: ["在研项目全部继续", "Keep all running projects"],
  capacity: ["明年计划：预算 {budget}，人力 {heads} 人。", "Next year's plan: budget {budget}, {heads} people."],
  need: [
    "提案和在研项目竞争同一笔预算和人力；{n} 个在研项目全部继续还需 {cost}、{heads} 人（未入选的在研项目即建议停止）。",
    "Proposals and running projects compete for the same budget and people; keeping all {n} running projects would need {cost} and {heads} people (a running project left out is proposed to stop).",
  ],
  chosen: ["入选（新立项 + 在研）", "Chosen (new + running)"],
  totalScore: ["总分", "Total score"],
  cost: ["花费", "Cost"],
  unspent: ["剩余预算", "Unspent"],
  people: ["人力", "People"],
  marginalBudget: ["再多 100万 的价值", "Value of 100万 more"],
  marginalPeople: ["再多 1 人的价值", "Value of 1 more engineer"],
  points: ["分", "pts"],
  rank: ["#", "#"],
  name: ["项目", "Project"],
  score: ["得分", "Score"],
  parts: ["得分构成", "Score parts"],
  costCol: ["成本", "Cost"],
  heads: ["人力", "People"],
  decision: ["结果", "Result"],
  mode: ["选择", "Choice"],
  auto: ["自动", "Auto"],
  must: ["必选", "Must"],
  exclude: ["排除", "Exclude"],
  in: ["入选", "Chosen"],
  out: ["未选", "Not chosen"],
  proposal: ["新立项", "Proposal"],
  running: ["在研", "Running"],
  remaining: ["剩余预算", "remaining budget"],
  estimated: ["估算", "estimated"],
  success: ["成功率 {p}（{layer}·{field}：{s}/{n} 个成功；层级 {ls}/{ln}）", "Success rate {p} ({layer}·{field}: {s} of {n} succeeded; layer {ls} of {ln})"],
  weights: ["权重", "Weights"],
  solver: ["精确求解（{method}），用时 {s} 秒。* 在研项目的人力、预期收入、契合度和风险为估算（悬停看依据）。",
    "Solved exactly ({method}) in {s} s. * A running project's headcount, expected revenue, fit and risk are estimates (hover for the basis)."],
  loading: ["计算中…", "Solving…"],
  added: ["加入 {ids}", "adds {ids}"],
  dropped: ["换下 {ids}", "drops {ids}"],
  none: ["组合不变", "no change"],
} as const;

export type AllocateKey = keyof typeof TEXT;

export function useAllocateText() {
  const { lang } = useI18n();
  return (key: AllocateKey, vars: Record<string, string | number> = {}) =>
    Object.entries(vars).reduce<string>((s, [k, v]) => s.split(`{${k}}`).join(String(v)), TEXT[key][lang === "en" ? 1 : 0]);
}
