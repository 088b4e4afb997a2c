import { describe, expect, it } from "vitest";
import { periodOf } from "../ChartWhy";

describe("periodOf: a clicked period-start date → the explain API's period", () => {
  it("follows the grain", () => {
    expect(periodOf("2026-05-01", "month")).toBe("2026-05");
    expect(periodOf("2026-04-01", "quarter")).toBe("2026-Q2");
    expect(periodOf("2026-10-01", "quarter")).toBe("2026-Q4");
    expect(periodOf("2025-01-01", "year")).toBe("2025");
    expect(periodOf("2026-11-25", "day")).toBe("2026-11-25");
  });
  it("ignores what is not a date", () => {
    expect(periodOf("华东", "month")).toBeNull();
    expect(periodOf("", "month")).toBeNull();
  });
});
