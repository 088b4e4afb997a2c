/** Texts of the insight and alert screens (zh first, en), kept with their components. */
import { useI18n } from "../i18n";

const TEXT = {
  forecast: ["预测", "Forecast"],
  forecastHint: ["按历史自动选择模型，预测未来 6 期（含 80%/95% 区间）", "Automatic model choice, 6 periods ahead with 80%/95% intervals"],
  forecastNA: ["预测需要一个指标和一个按时间粒度的维度", "A forecast needs one metric and one time dimension with a grain"],
  history: ["实际", "Actual"],
  predicted: ["预测值", "Forecast"],
  band80: ["80% 区间", "80% interval"],
  band95: ["95% 区间", "95% interval"],
  model: ["模型", "Model"],
  combination: ["组合", "Combination"],
  wholeHistory: ["按全部历史预测，期间筛选不适用", "forecast from the whole history; the period filter does not apply"],
  backtestTitle: ["回测误差（MASE，越低越好）", "Backtest error (MASE, lower is better)"],
  weight: ["权重", "weight"],
  why: ["为什么变化?", "Why?"],
  whyKpi: ["为什么变化?（上个完整月份对比去年同月）", "Why did it change? (last complete month vs the same month a year before)"],
  forecastTile: ["预测", "Forecast"],
  whyTitle: ["{metric}：{to} 对比 {from}", "{metric}: {to} vs {from}"],
  whyHint: ["点击折线上的点查看该期为什么变化", "Click a point to see why it changed"],
  dimension: ["维度", "Dimension"],
  member: ["成员", "Member"],
  contribution: ["贡献", "Contribution"],
  share: ["占变化", "Share of change"],
  before: ["对比期", "Before"],
  after: ["本期", "After"],
  start: ["对比期", "Start"],
  end: ["本期", "End"],
  other: ["其他", "Other"],
  alerts: ["告警", "Alerts"],
  rules: ["告警规则", "Alert rules"],
  inbox: ["站内消息", "Inbox"],
  newRule: ["新建规则", "New rule"],
  editRule: ["修改规则", "Edit rule"],
  name: ["名称", "Name"],
  metric: ["指标", "Metric"],
  grain: ["粒度", "Grain"],
  by: ["拆分维度", "Split by"],
  condition: ["条件", "Condition"],
  schedule: ["计划", "Schedule"],
  cron: ["cron 表达式（如 0 8 * * *）", "cron (e.g. 0 8 * * *)"],
  interval: ["间隔秒数", "Interval (s)"],
  none: ["不定时（数据刷新后检查）", "None (checked after data refreshes)"],
  owner: ["所有者", "Owner"],
  status: ["状态", "Status"],
  enabled: ["启用", "Enabled"],
  subscribers: ["订阅者", "Subscribers"],
  lookback: ["检查最近期数", "Periods checked"],
  checkNow: ["立即检查", "Check now"],
  firings: ["告警记录", "Firings"],
  noFirings: ["还没有告警", "No firings yet"],
  newFirings: ["新告警 {n} 条，重复 {d} 条", "{n} new, {d} duplicate"],
  delete: ["删除", "Delete"],
  edit: ["修改", "Edit"],
  save: ["保存", "Save"],
  cancel: ["取消", "Cancel"],
  markRead: ["标为已读", "Mark read"],
  readAll: ["全部已读", "Mark all read"],
  unread: ["未读", "Unread"],
  period: ["期间", "Period"],
  series: ["序列", "Series"],
  value: ["值", "Value"],
  severity: ["严重度", "Severity"],
  threshold: ["阈值", "Threshold"],
  change: ["变化率", "Change"],
  anomaly: ["异常", "Anomaly"],
  comparePrev: ["环比", "vs previous period"],
  compareYear: ["同比", "vs last year"],
  valueFraction: ["变化率（小数，-0.2 = 下降 20%）", "Change (fraction, -0.2 = -20%)"],
  direction: ["方向", "Direction"],
  both: ["双向", "Both"],
  up: ["偏高", "Up"],
  down: ["偏低", "Down"],
  deleted: ["已删除", "Deleted"],
  saved: ["已保存", "Saved"],
} as const;

export type TextKey = keyof typeof TEXT;

/** tx("why") → the text in the UI language; {name} placeholders are replaced from vars. */
export function useText() {
  const { lang } = useI18n();
  return (key: TextKey, vars?: Record<string, string | number>) => {
    let s: string = TEXT[key][lang === "en" ? 1 : 0];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}
