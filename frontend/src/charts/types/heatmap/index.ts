import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const heatmap: ChartTypeDef = {
  key: "heatmap",
  name: { zh: "热力图", en: "Heatmap" },
  icon: "HeatMapOutlined",
  needs: { zh: "2 个维度（行/X 与 列/系列）和 1 个指标", en: "2 dimensions (rows/x and columns/series) and 1 metric" },
  fits: (s) => s.outputs >= 1 && s.timeDims + s.otherDims === 2,
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
