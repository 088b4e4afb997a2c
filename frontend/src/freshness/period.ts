/**
 * Period labels for freshness messages: a whole year 「2025 年」, a quarter 「2025 年第 4 季度」, a month
 * 「2025 年 12 月」, a relative preset as its calendar period (今年 on 2026-12-07 → 「2026 年」), else the
 * two dates. Pure (unit-tested).
 */
import type { Lang } from "../i18n";

export interface PeriodLike {
  start?: string | null;
  end?: string | null;
  relative?: string | null;
}

const iso = (s: string) => {
  const [y, m, d] = s.slice(0, 10).split("-").map(Number);
  return { y, m, d };
};
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The calendar period a preset lies in (今年 → the year of its start; 本月 → its month; …). */
const CALENDAR: Record<string, "year" | "quarter" | "month"> = {
  this_year: "year", ytd: "year", last_year: "year", this_quarter: "quarter", qtd: "quarter", last_quarter: "quarter",
  this_month: "month", mtd: "month", last_month: "month",
};

function calendarLabel(kind: "year" | "quarter" | "month", y: number, m: number, lang: Lang): string {
  const zh = lang === "zh";
  if (kind === "year") return zh ? `${y} 年` : String(y);
  if (kind === "quarter") return zh ? `${y} 年第 ${Math.floor((m - 1) / 3) + 1} 季度` : `${y} Q${Math.floor((m - 1) / 3) + 1}`;
  return zh ? `${y} 年 ${m} 月` : `${y}-${String(m).padStart(2, "0")}`;
}

export function periodLabel(p: PeriodLike, lang: Lang): string {
  if (!p.start && !p.end) return "";
  if (p.start && p.relative && CALENDAR[p.relative]) {
    const s = iso(p.start);
    return calendarLabel(CALENDAR[p.relative], s.y, s.m, lang);
  }
  if (p.start && p.end) {
    const s = iso(p.start);
    const e = iso(p.end);
    if (s.d === 1 && e.d === lastDay(e.y, e.m)) {
      if (s.y === e.y && s.m === 1 && e.m === 12) return calendarLabel("year", s.y, 1, lang);
      if (s.y === e.y && (s.m - 1) % 3 === 0 && e.m === s.m + 2) return calendarLabel("quarter", s.y, s.m, lang);
      if (s.y === e.y && s.m === e.m) return calendarLabel("month", s.y, s.m, lang);
    }
  }
  return `${p.start ?? "…"} ~ ${p.end ?? "…"}`;
}
