/** Texts of data freshness (数据截至, empty periods) and of the change colour setting (zh first, en). */
import { useI18n } from "../i18n";

const TEXT = {
  asOf: ["数据截至 {date}", "Data as of {date}"],
  emptyPeriod: ["{period}暂无数据，数据截至 {date}", "No data for {period} yet; data as of {date}"],
  emptyBefore: ["{period}暂无数据，数据始于 {date}", "No data for {period}; data starts on {date}"],
  showLatest: ["查看最近有数据的期间（{period}）", "Show the latest period with data ({period})"],
  anchored: ["{period}暂无数据，已显示最近有数据的期间：{shown}（数据截至 {date}）", "No data for {period} yet: showing the latest period with data, {shown} (data as of {date})"],
  backToCurrent: ["仍看{period}", "Show {period} anyway"],
  noCompare: ["无对比数据", "No comparison"],
  monthPop: ["月环比", "MoM"],
  compared: ["{a} 对比 {b}", "{a} vs {b}"],
  colors: ["涨跌颜色", "Change colours"],
  colorsTitle: ["涨跌颜色设置", "Change colours"],
  redUp: ["红涨绿跌", "Red up, green down"],
  greenUp: ["绿涨红跌", "Green up, red down"],
  followCompany: ["跟随公司设置（{c}）", "Company setting ({c})"],
  mine: ["我的设置", "My setting"],
  company: ["公司默认（管理员）", "Company default (admins)"],
  colorsHelp: ["越低越好的指标（如不良率）上升时显示“变差”的颜色，箭头仍然向上。", "A metric where lower is better (a defect rate) keeps its up arrow when it rises, in the colour of a worse change."],
  saved: ["已保存", "Saved"],
  thisPeriod: ["本期", "this period"],
} as const;

export type FreshKey = keyof typeof TEXT;

export function useFreshText() {
  const { lang } = useI18n();
  return (key: FreshKey, vars?: Record<string, string | number>) => {
    let s: string = TEXT[key][lang === "en" ? 1 : 0];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}
