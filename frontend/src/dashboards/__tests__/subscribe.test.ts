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

describe("inAppPath", () => {
  it("opens our dashboard links inside the app, keeping their filters", async () => {
    const { inAppPath } = await import("../ReceivedPushes");
    expect(inAppPath("http://bi.example.test/dashboards/cockpit?f=%7B%7D", "http://localhost:8000")).toBe("/dashboards/cockpit?f=%7B%7D");
    expect(inAppPath("/dashboards/quality", "http://localhost:8000")).toBe("/dashboards/quality");
    expect(inAppPath("https://elsewhere.test/x", "http://localhost:8000")).toBe("https://elsewhere.test/x");
  });
});
