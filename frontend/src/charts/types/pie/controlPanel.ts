import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [
  { key: "donut", kind: "segmented", label: { zh: "样式", en: "Style" }, default: true, options: [{ value: true, label: { zh: "环形", en: "Donut" } }, { value: false, label: { zh: "饼图", en: "Pie" } }] },
  { ...C.labels, label: { zh: "显示数值", en: "Show values" } },
  C.numberFormat,
];
