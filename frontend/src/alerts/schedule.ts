/**
 * An alert's schedule as people say it — 每天 / 每周几 / 每月几号 at a time — and the cron it maps to.
 * Pure, unit-tested (__tests__/schedule.test.ts).
 *
 * Invariants:
 * - toSchedule(fromSchedule(s)) keeps the schedule: a cron that is not one of the three simple forms
 *   (minute hour * * *, minute hour * * weekday, minute hour day * *) opens as "advanced" with its text,
 *   an interval likewise; nothing is rewritten unless the person changes it.
 * - Weekdays are cron's: 1 = Monday … 6 = Saturday, 0 = Sunday (7 is read as Sunday too).
 */
export type Repeat = "none" | "daily" | "weekly" | "monthly" | "advanced";

export interface ScheduleForm {
  repeat: Repeat;
  /** HH:mm for daily, weekly and monthly */
  time?: string;
  weekday?: number;
  monthday?: number;
  /** advanced: a cron expression or an interval in seconds */
  advancedKind?: "cron" | "interval";
  cron?: string;
  interval_s?: number;
}

export interface ScheduleIn {
  cron?: string | null;
  interval_s?: number | null;
  timezone?: string;
}

const INT = /^\d{1,2}$/;

function num(s: string, lo: number, hi: number): number | null {
  if (!INT.test(s)) return null;
  const n = Number(s);
  return n >= lo && n <= hi ? n : null;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The simple form of a cron, or null when it is not one of the three simple forms. */
export function parseCron(cron: string): Pick<ScheduleForm, "repeat" | "time" | "weekday" | "monthday"> | null {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) return null;
  const [mi, ho, dom, mon, dow] = f;
  const m = num(mi, 0, 59);
  const h = num(ho, 0, 23);
  if (m === null || h === null || mon !== "*") return null;
  const time = `${pad(h)}:${pad(m)}`;
  if (dom === "*" && dow === "*") return { repeat: "daily", time };
  if (dom === "*") {
    const w = num(dow, 0, 7);
    return w === null ? null : { repeat: "weekly", time, weekday: w % 7 };
  }
  if (dow === "*") {
    const d = num(dom, 1, 31);
    return d === null ? null : { repeat: "monthly", time, monthday: d };
  }
  return null;
}

export function fromSchedule(s: ScheduleIn | null | undefined): ScheduleForm {
  const base: ScheduleForm = { repeat: "none", time: "08:00", weekday: 1, monthday: 1 };
  if (!s) return base;
  if (s.cron) {
    const simple = parseCron(s.cron);
    return simple ? { ...base, ...simple } : { ...base, repeat: "advanced", advancedKind: "cron", cron: s.cron };
  }
  if (s.interval_s) return { ...base, repeat: "advanced", advancedKind: "interval", interval_s: s.interval_s };
  return base;
}

function hm(time: string | undefined): [number, number] {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time ?? "");
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Error("time");
  return [Number(m[1]), Number(m[2])];
}

/** The cron of a simple form (daily, weekly, monthly). */
export function toCron(f: ScheduleForm): string {
  const [h, m] = hm(f.time);
  if (f.repeat === "daily") return `${m} ${h} * * *`;
  if (f.repeat === "weekly") return `${m} ${h} * * ${f.weekday ?? 1}`;
  if (f.repeat === "monthly") return `${m} ${h} ${f.monthday ?? 1} * *`;
  throw new Error(f.repeat);
}

/** The API's schedule ({cron} or {interval_s}; null = checked only after data refreshes and on demand). */
export function toSchedule(f: ScheduleForm, timezone?: string): ScheduleIn | null {
  const tz = timezone ? { timezone } : {};
  if (f.repeat === "none") return null;
  if (f.repeat === "advanced") {
    if (f.advancedKind === "interval") return { interval_s: f.interval_s ?? null, ...tz };
    return { cron: (f.cron ?? "").trim(), ...tz };
  }
  return { cron: toCron(f), ...tz };
}

const WEEK_ZH = ["日", "一", "二", "三", "四", "五", "六"];
const WEEK_EN = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export const weekdayLabel = (w: number, lang: "zh" | "en") => (lang === "en" ? WEEK_EN[w % 7] : `周${WEEK_ZH[w % 7]}`);

/** The schedule in words: 每天 08:00, 每周一 08:00, 每月 1 日 08:00, cron 0 8 * * 1-5, 每 3600 秒. */
export function describeSchedule(s: ScheduleIn | null | undefined, lang: "zh" | "en"): string {
  const f = fromSchedule(s);
  const en = lang === "en";
  switch (f.repeat) {
    case "none":
      return en ? "After data refreshes" : "数据刷新后";
    case "daily":
      return en ? `Daily ${f.time}` : `每天 ${f.time}`;
    case "weekly":
      return en ? `Every ${weekdayLabel(f.weekday ?? 1, "en")} ${f.time}` : `每${weekdayLabel(f.weekday ?? 1, "zh")} ${f.time}`;
    case "monthly":
      return en ? `Monthly on day ${f.monthday} ${f.time}` : `每月 ${f.monthday} 日 ${f.time}`;
    default:
      return f.advancedKind === "interval" ? (en ? `Every ${f.interval_s} s` : `每 ${f.interval_s} 秒`) : `cron ${f.cron}`;
  }
}
