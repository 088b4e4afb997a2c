import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const scatter: ChartTypeDef = {
  key: "scatter",
  name: { zh: "散点图 / 气泡图", en: "Scatter / bubble" },
  icon: "DotChartOutlined",
  needs: { zh: "1 个非时间维度（每个成员一个点）和 2 个指标（X、Y），可加大小", en: "1 non-time dimension (a point per member) and 2 metrics (x, y), optionally a size" },
  fits: (s) => s.timeDims === 0 && s.otherDims >= 1 && s.otherDims <= 2 && s.metrics >= 2,
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
