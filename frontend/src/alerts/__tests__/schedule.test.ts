import { describe, expect, it } from "vitest";
import { describeSchedule, fromSchedule, parseCron, toCron, toSchedule } from "../schedule";

describe("alert schedules", () => {
  it("maps the three simple forms to cron and back", () => {
    expect(toCron({ repeat: "daily", time: "08:00" })).toBe("0 8 * * *");
    expect(toCron({ repeat: "weekly", time: "09:30", weekday: 1 })).toBe("30 9 * * 1");
    expect(toCron({ repeat: "weekly", time: "18:05", weekday: 0 })).toBe("5 18 * * 0");
    expect(toCron({ repeat: "monthly", time: "07:00", monthday: 15 })).toBe("0 7 15 * *");
    for (const c of ["0 8 * * *", "30 9 * * 1", "5 18 * * 0", "0 7 15 * *"]) expect(toSchedule(fromSchedule({ cron: c }))).toEqual({ cron: c });
  });

  it("reads Sunday as 7 too", () => {
    expect(parseCron("0 8 * * 7")).toEqual({ repeat: "weekly", time: "08:00", weekday: 0 });
  });

  it("keeps a cron it cannot say simply under advanced, untouched", () => {
    for (const c of ["0 8 * * 1-5", "*/15 * * * *", "0 8 1 * 1", "0 8 * 6 *", "0 8,12 * * *"]) {
      const f = fromSchedule({ cron: c });
      expect(f.repeat).toBe("advanced");
      expect(toSchedule(f)).toEqual({ cron: c });
    }
    expect(toSchedule(fromSchedule({ interval_s: 3600 }))).toEqual({ interval_s: 3600 });
  });

  it("no schedule is null and says so", () => {
    expect(toSchedule(fromSchedule(null))).toBeNull();
    expect(describeSchedule(null, "zh")).toBe("数据刷新后");
  });

  it("describes schedules in words", () => {
    expect(describeSchedule({ cron: "0 8 * * *" }, "zh")).toBe("每天 08:00");
    expect(describeSchedule({ cron: "30 9 * * 1" }, "zh")).toBe("每周一 09:30");
    expect(describeSchedule({ cron: "0 7 15 * *" }, "zh")).toBe("每月 15 日 07:00");
    expect(describeSchedule({ cron: "0 8 * * 1-5" }, "zh")).toBe("cron 0 8 * * 1-5");
    expect(describeSchedule({ cron: "30 9 * * 1" }, "en")).toBe("Every Monday 09:30");
  });
});
