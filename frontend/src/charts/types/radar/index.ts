import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const radar: ChartTypeDef = {
  key: "radar",
  name: { zh: "雷达图", en: "Radar" },
  icon: "RadarChartOutlined",
  needs: { zh: "1 个非时间维度，和 3 个以上指标（或 1 个指标、3 个以上类别）", en: "1 non-time dimension and 3+ metrics (or 1 metric over 3+ categories)" },
  fits: (s) => s.timeDims === 0 && s.otherDims >= 1 && s.otherDims <= 2 && s.metrics >= 1 && (s.rowCount === undefined || s.metrics >= 3 || s.rowCount >= 3),
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
