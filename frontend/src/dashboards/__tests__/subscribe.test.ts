import dayjs from "dayjs";
import { describe, expect, it } from "vitest";
import { scheduleOf } from "../SubscribeDialog";

describe("scheduleOf", () => {
  const at = dayjs("08:30", "HH:mm");
  it("maps the simple choices to cron", () => {
    expect(scheduleOf({ repeat: "daily", time: at, weekday: 1, monthday: 1 })).toEqual({ cron: "30 8 * * *" });
    expect(scheduleOf({ repeat: "weekly", time: at, weekday: 1, monthday: 1 })).toEqual({ cron: "30 8 * * 1" });
    expect(scheduleOf({ repeat: "weekly", time: at, weekday: 0, monthday: 1 })).toEqual({ cron: "30 8 * * 0" });
    expect(scheduleOf({ repeat: "monthly", time: at, weekday: 1, monthday: 15 })).toEqual({ cron: "30 8 15 * *" });
  });
  it("passes a custom cron as typed (the server checks it)", () => {
    expect(scheduleOf({ repeat: "custom", time: at, weekday: 1, monthday: 1, cron: " 0 8 * * 1-5 " })).toEqual({ cron: "0 8 * * 1-5" });
  });
});
