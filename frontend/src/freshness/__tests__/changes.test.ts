import { afterEach, describe, expect, it } from "vitest";
import { GREEN, RED, changeColor, changeMagnitude, changeText, getChangeColors, isGood, riseFall, setChangeColors } from "../../changes";
import { periodLabel } from "../period";

afterEach(() => setChangeColors("red_up"));

describe("change colours (涨跌颜色)", () => {
  it("red up by default: a rise is red, a fall green", () => {
    expect(getChangeColors()).toBe("red_up");
    expect(changeColor(0.15)).toBe(RED);
    expect(changeColor(-0.15)).toBe(GREEN);
    expect(riseFall()).toEqual({ rise: RED, fall: GREEN });
  });
  it("green up when the company or the user says so", () => {
    setChangeColors("green_up");
    expect(changeColor(0.15)).toBe(GREEN);
    expect(changeColor(-0.15)).toBe(RED);
    expect(changeColor(0.15, { colors: "red_up" })).toBe(RED);
  });
  it("a lower-is-better metric keeps its meaning: its rise is bad, in the colour of a fall", () => {
    expect(isGood(0.02, false)).toBe(false);
    expect(changeColor(0.02, { higherIsBetter: false })).toBe(GREEN);
    expect(changeColor(-0.02, { higherIsBetter: false })).toBe(RED);
    expect(changeColor(0.02, { higherIsBetter: false, colors: "green_up" })).toBe(RED);
  });
  it("no change, or none known, has no colour", () => {
    expect(changeColor(null)).toBeUndefined();
    expect(changeColor(0)).toBeUndefined();
    expect(changeColor(Number.NaN)).toBeUndefined();
  });
});

describe("changes as text: rates in percentage points", () => {
  it("relative growth is a percent", () => {
    expect(changeText(0.153, "zh")).toBe("↑15.3%");
    expect(changeText(-0.153, "en")).toBe("-15.3%");
  });
  it("a difference of two rates is in 个百分点 / pp", () => {
    expect(changeText(0.0298, "zh", true)).toBe("↑2.98 个百分点");
    expect(changeText(0.0298, "en", true)).toBe("+2.98 pp");
    expect(changeText(-0.005, "zh", true)).toBe("↓0.5 个百分点");
    expect(changeMagnitude(-0.0298, "en", true)).toBe("2.98 pp");
    expect(changeText(null, "zh", true)).toBeNull();
  });
});

describe("period labels", () => {
  it("names calendar periods", () => {
    expect(periodLabel({ start: "2025-01-01", end: "2025-12-31" }, "zh")).toBe("2025 年");
    expect(periodLabel({ start: "2026-01-01", end: "2026-12-07", relative: "this_year" }, "zh")).toBe("2026 年");
    expect(periodLabel({ start: "2025-10-01", end: "2025-12-31" }, "en")).toBe("2025 Q4");
    expect(periodLabel({ start: "2025-12-01", end: "2025-12-31" }, "zh")).toBe("2025 年 12 月");
    expect(periodLabel({ start: "2025-01-01", end: "2025-06-30" }, "zh")).toBe("2025-01-01 ~ 2025-06-30");
  });
});
