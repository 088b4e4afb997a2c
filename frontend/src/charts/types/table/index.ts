import type { ChartTypeDef } from "../../core/types";
import { buildQuery } from "./buildQuery";
import { controls } from "./controlPanel";
import { transformProps } from "./transformProps";

export const table: ChartTypeDef = {
  key: "table",
  name: { zh: "表格", en: "Table" },
  icon: "TableOutlined",
  needs: { zh: "任意字段", en: "any fields" },
  fits: (s) => s.outputs + s.timeDims + s.otherDims >= 1,
  render: "table",
  buildQuery,
  transformProps,
  controls,
};
