import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const pie: ChartTypeDef = {
  key: "pie",
  name: { zh: "饼图 / 环形图", en: "Pie / donut" },
  icon: "PieChartOutlined",
  needs: { zh: "1 个非时间维度和 1 个可加总的指标（非比率）", en: "1 non-time dimension and 1 additive metric (not a ratio)" },
  fits: (s) => s.metrics >= 1 && s.otherDims === 1 && s.timeDims === 0 && s.formats[0] !== "percent",
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
