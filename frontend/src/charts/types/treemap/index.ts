import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const treemap: ChartTypeDef = {
  key: "treemap",
  name: { zh: "矩形树图", en: "Treemap" },
  icon: "AppstoreOutlined",
  needs: { zh: "1–2 个非时间维度和 1 个可加总的指标", en: "1–2 non-time dimensions and 1 additive metric" },
  fits: (s) => s.metrics >= 1 && s.timeDims === 0 && s.otherDims >= 1 && s.otherDims <= 2 && s.formats[0] !== "percent",
  render: "echarts",
  buildQuery,
  transformProps,
  controls,
};
