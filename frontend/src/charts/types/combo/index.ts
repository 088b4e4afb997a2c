import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const combo: ChartTypeDef = {
  key: "combo",
  name: { zh: "组合图", en: "Combo" },
  icon: "FundOutlined",
  needs: { zh: "1 个维度和至少 2 个指标", en: "1 dimension and at least 2 metrics" },
  fits: (s) => s.outputs >= 2 && s.timeDims + s.otherDims === 1,
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
