import { describe, expect, it } from "vitest";
import { filenameOf, pngName } from "../download";

describe("filenameOf", () => {
  it("prefers the RFC 5987 name", () => {
    const cd = `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent("一季度各区销售.xlsx")}`;
    expect(filenameOf(cd, "x.xlsx")).toBe("一季度各区销售.xlsx");
  });
  it("falls back to the plain name, then the default", () => {
    expect(filenameOf('attachment; filename="sales.csv"', "x.csv")).toBe("sales.csv");
    expect(filenameOf(null, "export.csv")).toBe("export.csv");
    expect(filenameOf("attachment; filename*=UTF-8''%E0%A4%A", "export.csv")).toBe("export.csv");
  });
});

describe("pngName", () => {
  it("keeps Chinese and replaces what file systems refuse", () => {
    expect(pngName("销售额/毛利率: 月度")).toBe("销售额_毛利率_ 月度.png");
    expect(pngName("  ")).toBe("chart.png");
  });
});
