/** Dashboard themes: light, dark and 大屏 (full-screen wall display). ECharts themes are registered once. */
import { echarts } from "../charts/echarts";

export type ThemeKey = "light" | "dark" | "screen";

export interface DashTheme {
  key: ThemeKey;
  echarts?: string;
  className: string;
}

const DARK_TEXT = "#c9d1e0";
const AXIS = "#3a4560";

let registered = false;
export function registerThemes() {
  if (registered) return;
  registered = true;
  const base = {
    backgroundColor: "transparent",
    textStyle: { color: DARK_TEXT },
    legend: { textStyle: { color: DARK_TEXT } },
    categoryAxis: { axisLine: { lineStyle: { color: AXIS } }, axisLabel: { color: DARK_TEXT }, splitLine: { lineStyle: { color: AXIS } } },
    valueAxis: { axisLine: { lineStyle: { color: AXIS } }, axisLabel: { color: DARK_TEXT }, splitLine: { lineStyle: { color: AXIS } } },
  };
  echarts.registerTheme("shuzhi-dark", base);
  echarts.registerTheme("shuzhi-screen", {
    ...base,
    color: ["#3ee0ff", "#4d7cff", "#ffc53d", "#36cfc9", "#ff7a45", "#9254de", "#73d13d", "#f759ab"],
  });
}

export const THEMES: Record<ThemeKey, DashTheme> = {
  light: { key: "light", className: "dash-theme-light" },
  dark: { key: "dark", echarts: "shuzhi-dark", className: "dash-theme-dark" },
  screen: { key: "screen", echarts: "shuzhi-screen", className: "dash-theme-screen" },
};

export function theme(key: string | null | undefined): DashTheme {
  return THEMES[(key as ThemeKey) in THEMES ? (key as ThemeKey) : "light"];
}
