import { describe, expect, it } from "vitest";
import { axisLabel, format, formatValue, type Style } from "../format";
import { FORMAT_EXAMPLES } from "./formatExamples.generated";

describe("the number formatter mirrors the server's (src/shuzhi/results/format.py)", () => {
  it("formats every generated example as the server does", () => {
    const wrong = FORMAT_EXAMPLES.filter(([v, f, lang, style, want]) => format(v, f ?? undefined, lang, style as Style) !== want)
      .map(([v, f, lang, style, want]) => `${style} ${lang} ${f} ${v}: ${format(v, f ?? undefined, lang, style as Style)} != ${want}`);
    expect(wrong).toEqual([]);
  });

  it("keeps the web's everyday formats", () => {
    expect(formatValue(125_000_000, "currency", "zh")).toBe("¥1.25亿");
    expect(formatValue(-35_000, "currency", "zh")).toBe("-¥3.5万");
    expect(formatValue(1_234_567.891, "currency", "zh", { compact: false })).toBe("¥1,234,567.89");
    expect(formatValue(0.153, "percent", "zh")).toBe("15.3%");
    expect(formatValue(0.0423, "percent", "zh")).toBe("4.23%");
    expect(formatValue(12_345, "number", "en")).toBe("12.35K");
    expect(formatValue(null, "number", "zh")).toBe("—");
    expect(formatValue(true, undefined, "en")).toBe("Yes");
    expect(axisLabel(50_000_000, "currency", "zh")).toBe("5,000万");
    expect(axisLabel(0, "wan", "zh")).toBe("0");
    expect(axisLabel(0.25, "percent", "zh")).toBe("25%");
  });
});

describe("the raw style (the terminal's; the web has no int/float split)", () => {
  it("writes huge numbers as Python does", () => {
    expect(format(1e16, undefined, "zh", "raw")).toBe("1e+16");
    expect(format(-1.5e20, undefined, "zh", "raw")).toBe("-1.5e+20");
    expect(format(1234.56789, undefined, "zh", "raw")).toBe("1,234.5679");
    expect(format(null, undefined, "zh", "raw")).toBe("∅");
  });
});
