/**
 * ECharts option for an attribution waterfall: start value → one bar per contribution → end value.
 * Invisible "base" bars stack under each step (the classic stacked-bar waterfall); rises and falls in
 * the colours of the 涨跌颜色 setting (changes.ts: red up by default), totals blue.
 */
import { riseFall } from "../changes";
import { html } from "../safeHtml";

export interface Step {
  label: string;
  value: number;
}

export function waterfallOption(start: { label: string; value: number }, steps: Step[], end: { label: string; value: number },
  fmt: (v: number) => string): object {
  const labels = [start.label, ...steps.map((s) => s.label), end.label];
  const base: (number | string)[] = ["-"];
  const up: (number | string)[] = [start.value];
  const down: (number | string)[] = ["-"];
  let level = start.value;
  for (const s of steps) {
    const next = level + s.value;
    base.push(Math.min(level, next));
    if (s.value >= 0) {
      up.push(s.value);
      down.push("-");
    } else {
      up.push("-");
      down.push(-s.value);
    }
    level = next;
  }
  base.push("-");
  up.push(end.value);
  down.push("-");
  const colors = labels.map((_, i) => (i === 0 || i === labels.length - 1 ? "#1664ff" : null));
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (ps: { dataIndex: number }[]) => {
        const i = ps[0]?.dataIndex ?? 0;
        const v = i === 0 ? start.value : i === labels.length - 1 ? end.value : steps[i - 1].value;
        return html`${labels[i]}<br/>${i === 0 || i === labels.length - 1 ? "" : v >= 0 ? "+" : ""}${fmt(v)}`.html;
      },
    },
    xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", scale: true, axisLabel: { formatter: (v: number) => fmt(v) } },
    series: [
      { name: "base", type: "bar", stack: "w", silent: true, itemStyle: { color: "transparent" }, data: base },
      {
        name: "up", type: "bar", stack: "w", data: up.map((v, i) => (colors[i] && v !== "-" ? { value: v, itemStyle: { color: colors[i] } } : v)),
        itemStyle: { color: riseFall().rise },
      },
      { name: "down", type: "bar", stack: "w", data: down, itemStyle: { color: riseFall().fall } },
    ],
  };
}
