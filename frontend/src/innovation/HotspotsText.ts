/** The hot-spot page's words, zh and en. */
import { useI18n } from "../i18n";

const TEXT = {
  title: ["技术热点与空白", "Technology hot spots and white spaces"],
  intro: [
    "从行业专利的名称和摘要中自动挖掘技术主题，比较近12个月与此前12个月的申请占比，找出升温、降温的方向，以及行业在增长而本公司尚未布局的空白。",
    "Technical topics mined from the titles and abstracts of the industry's patents; the last 12 months compared with the 12 before show which directions rise or fall, and where the industry grows while the company has no patents yet.",
  ],
  field: ["技术领域", "Tech field"],
  allFields: ["全部领域", "All fields"],
  years: ["时间范围", "Period"],
  allYears: ["全部年份", "All years"],
  lastYears: ["近 {n} 年", "Last {n} years"],
  rising: ["升温主题", "Rising topics"],
  falling: ["降温主题", "Falling topics"],
  steady: ["平稳主题", "Steady topics"],
  whitespace: ["技术空白", "White spaces"],
  techmap: ["技术地图", "Technology map"],
  none: ["（无）", "(none)"],
  recent: ["近12月 {r} 件 · 前12月 {p} 件", "{r} in the last 12 months · {p} before"],
  share: ["占比变化", "Share change"],
  growth: ["申请量增长", "Applications"],
  company: ["本公司", "Company"],
  companyShare: ["本公司 {n} 件，占 {s}", "Company: {n} ({s})"],
  applicants: ["主要申请人", "Main applicants"],
  terms: ["关键词", "Terms"],
  drill: ["查看专利", "Patents"],
  score: ["得分", "Score"],
  patents: ["{n} 件专利", "{n} patents"],
  applicant: ["申请人", "Applicant"],
  date: ["申请日", "Filed"],
  patentTitle: ["专利名称", "Title"],
  compare: ["申请人对比", "Applicants compared"],
  total: ["专利总数", "Patents"],
  last12: ["近12月", "Last 12 m"],
  prev12: ["前12月", "12 m before"],
  mapHelp: ["颜色越深，该领域当年的行业申请越多；点击格子查看各申请人。", "Darker cells: more applications in that field and year; click a cell for its applicants."],
  method: ["主题由 {m} 聚类得到（一致性：{s}，取高者）。", "Topics clustered by {m} (coherence: {s}; the higher wins)."],
  whyRising: ["占比变化 = 该主题在全部申请中的占比，近12个月相对此前12个月的变化。", "Share change: the topic's share of all applications, last 12 months against the 12 before."],
  whyWhite: ["行业近12个月申请活跃且在增长、而本公司没有或很少专利的细分方向；本公司缺位的排在较少的前面，同档按得分（近两年行业件数 × 增长，增长最多按翻倍计）排序。", "Sub-fields where the industry is active and growing and the company has few or no patents; those where we have none come first, then by score (the industry's patents in two years × growth, counted up to a doubling)."],
  cellApplicants: ["{f} · {y} 年各申请人", "{f} · {y} by applicant"],
  loadError: ["加载失败", "Could not load"],
  showAll: ["显示全部（{n}）", "Show all ({n})"],
  absent: ["本公司缺位", "We have none"],
  thin: ["本公司较少", "We have few"],
} as const;

export type HotspotsKey = keyof typeof TEXT;

export function useHotspotsText() {
  const { lang } = useI18n();
  return (key: HotspotsKey, vars?: Record<string, string | number>) => {
    let s: string = TEXT[key][lang === "en" ? 1 : 0];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}

export function pct(v: number | null | undefined, signed = true): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const s = `${(v * 100).toFixed(Math.abs(v) < 0.1 ? 1 : 0)}%`;
  return signed && v > 0 ? `+${s}` : s;
}
