import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const pivot: ChartTypeDef = {
  key: "pivot",
  name: { zh: "透视表", en: "Pivot table" },
  icon: "BuildOutlined",
  needs: { zh: "至少 1 个维度和 1 个指标（列/系列上的维度展开为列）", en: "at least 1 dimension and 1 metric (columns/series dimensions spread across)" },
  fits: (s) => s.outputs >= 1 && s.timeDims + s.otherDims >= 1,
  render: "pivot",
  buildQuery,
  transformProps,
  controls,
};
