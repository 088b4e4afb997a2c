import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const map: ChartTypeDef = {
  key: "map",
  name: { zh: "中国地图", en: "China map" },
  icon: "GlobalOutlined",
  needs: { zh: "省份维度（仅此一个）和至少 1 个指标", en: "a province dimension (alone) and at least 1 metric" },
  fits: (s) => s.outputs >= 1 && s.province && s.otherDims === 1 && s.timeDims === 0,
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
