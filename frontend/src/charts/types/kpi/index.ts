import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const kpi: ChartTypeDef = {
  key: "kpi",
  name: { zh: "指标卡", en: "KPI card" },
  icon: "NumberOutlined",
  needs: { zh: "不加维度，至少 1 个指标", en: "no dimension, at least 1 metric" },
  fits: (s) => s.outputs >= 1 && s.timeDims + s.otherDims === 0,
  render: "kpi",
  buildQuery,
  transformProps,
  controls,
};
