/** Controls shared by several chart types' panels (each type's controlPanel.ts lists its own). Pure data. */
import type { Control } from "./types";

export const numberFormat: Control = {
  key: "numberFormat",
  kind: "select",
  label: { zh: "数字格式", en: "Number format" },
  default: "auto",
  options: [
    { value: "auto", label: { zh: "自动（¥、万/亿、%）", en: "Auto (¥, K/M, %)" } },
    { value: "currency", label: { zh: "金额 ¥", en: "Money ¥" } },
    { value: "wan", label: { zh: "以万为单位", en: "In 万 (10K)" } },
    { value: "yi", label: { zh: "以亿为单位", en: "In 亿 (100M)" } },
    { value: "integer", label: { zh: "整数", en: "Integer" } },
    { value: "number", label: { zh: "数值", en: "Number" } },
    { value: "percent", label: { zh: "百分比", en: "Percent" } },
  ],
};

export const labels: Control = { key: "labels", kind: "switch", label: { zh: "数据标签", en: "Data labels" }, default: false };

export const stack: Control = {
  key: "stack",
  kind: "segmented",
  label: { zh: "堆叠", en: "Stacking" },
  default: "none",
  options: [
    { value: "none", label: { zh: "分组", en: "Grouped" } },
    { value: "stacked", label: { zh: "堆叠", en: "Stacked" } },
    { value: "percent", label: { zh: "百分比堆叠", en: "100 %" } },
  ],
};

export const orientation: Control = {
  key: "horizontal",
  kind: "segmented",
  label: { zh: "方向", en: "Orientation" },
  default: false,
  options: [
    { value: false, label: { zh: "纵向", en: "Vertical" } },
    { value: true, label: { zh: "横向", en: "Horizontal" } },
  ],
};

export const smooth: Control = { key: "smooth", kind: "switch", label: { zh: "平滑曲线", en: "Smooth" }, default: true };

export const refLines: Control = { key: "refLines", kind: "refLines", label: { zh: "目标线 / 警戒线", en: "Target / warning lines" } };
