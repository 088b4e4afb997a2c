import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const bar: ChartTypeDef = {
  key: "bar",
  name: { zh: "柱状图", en: "Bar" },
  icon: "BarChartOutlined",
  needs: { zh: "1–2 个维度和至少 1 个指标", en: "1–2 dimensions and at least 1 metric" },
  fits: (s) => s.outputs >= 1 && s.timeDims + s.otherDims >= 1 && s.timeDims + s.otherDims <= 2,
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
