import { describe, expect, it } from "vitest";
import { shiftPeriod } from "../WhyPage";

describe("shiftPeriod", () => {
  it("moves by the grain, from a period's first day", () => {
    expect(shiftPeriod("2026-10-01", "month", -12)).toBe("2025-10-01");
    expect(shiftPeriod("2026-10-01", "month", 3)).toBe("2027-01-01");
    expect(shiftPeriod("2026-10-01", "quarter", -1)).toBe("2026-07-01");
    expect(shiftPeriod("2026-01-01", "year", -2)).toBe("2024-01-01");
    expect(shiftPeriod("2026-11-23", "week", -1)).toBe("2026-11-16");
    expect(shiftPeriod("2026-03-01", "day", -1)).toBe("2026-02-28");
  });
});
