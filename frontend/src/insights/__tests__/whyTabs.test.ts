import { describe, expect, it } from "vitest";
import { tabs } from "../WhyDrawer";

const dim = (dimension: string, score: number, members: number) => ({ dimension, label: dimension, label_en: dimension, score, members, top: [], drags: [], lifts: [], unassigned: 0 });

describe("why-drawer tabs", () => {
  it("keeps the six best-scoring dimensions and every two-member one, in the API's order", () => {
    const dims = [
      dim("supplier", 75, 40), dim("defect_type", 42, 6), dim("product", 31, 30), dim("line", 18, 9),
      dim("country", 9, 5), dim("product_line", 6, 5), dim("category", 5, 4), dim("plant", 0, 2), dim("one", 0, 1),
    ];
    expect(tabs(dims).map((d) => d.dimension)).toEqual(
      ["supplier", "defect_type", "product", "line", "country", "product_line", "plant"]);
  });
});
