import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const line: ChartTypeDef = {
  key: "line",
  name: { zh: "折线图", en: "Line" },
  icon: "LineChartOutlined",
  needs: { zh: "1–2 个维度（最好是时间）和至少 1 个指标", en: "1–2 dimensions (ideally time) and at least 1 metric" },
  fits: (s) => s.outputs >= 1 && s.timeDims + s.otherDims >= 1 && s.timeDims + s.otherDims <= 2,
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
