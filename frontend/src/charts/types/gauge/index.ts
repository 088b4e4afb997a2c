import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const gauge: ChartTypeDef = {
  key: "gauge",
  name: { zh: "仪表盘", en: "Gauge" },
  icon: "DashboardOutlined",
  needs: { zh: "不加维度，1 个指标", en: "no dimension, 1 metric" },
  fits: (s) => s.timeDims + s.otherDims === 0 && s.outputs >= 1,
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
