import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const waterfall: ChartTypeDef = {
  key: "waterfall",
  name: { zh: "瀑布图", en: "Waterfall" },
  icon: "RiseOutlined",
  needs: { zh: "1 个维度和 1 个可加总的指标（非比率）", en: "1 dimension and 1 additive metric (not a ratio)" },
  fits: (s) => s.metrics === 1 && s.timeDims + s.otherDims === 1 && s.formats[0] !== "percent",
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
