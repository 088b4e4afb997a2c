import { describe, expect, it } from "vitest";
import { shown } from "../assessText";

describe("shown: a criterion's value as people read it", () => {
  it("money in 万/亿, ratios in %, yes/no, counts and years", () => {
    expect(shown(1485608.32, "元", "zh")).toBe("¥148.56万");
    expect(shown(4.0e8, "元", "zh")).toBe("¥4亿");
    expect(shown(0.0574, "ratio", "zh")).toBe("5.74%");
    expect(shown(1, "bool", "zh")).toBe("是");
    expect(shown(0, "bool", "en")).toBe("No");
    expect(shown(4, "年", "zh")).toBe("4 年");
    expect(shown(2.5, "年", "en")).toBe("2.5 yrs");
    expect(shown(2, "项", "zh")).toBe("2 项");
    expect(shown(null, "元", "zh")).toBe("—");
  });
});
