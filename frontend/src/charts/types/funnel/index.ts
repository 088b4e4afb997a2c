import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const funnel: ChartTypeDef = {
  key: "funnel",
  name: { zh: "漏斗图", en: "Funnel" },
  icon: "FunnelPlotOutlined",
  needs: { zh: "1 个非时间维度和 1 个指标，或不加维度的 2 个以上指标（各阶段）", en: "1 non-time dimension and 1 metric, or 2+ metrics (stages) without dimensions" },
  fits: (s) => (s.otherDims === 1 && s.timeDims === 0 && s.metrics >= 1 && s.formats[0] !== "percent") || (s.otherDims + s.timeDims === 0 && s.metrics >= 2),
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
