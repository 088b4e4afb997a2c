import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [
  { key: "subtotals", kind: "switch", label: { zh: "小计", en: "Subtotals" }, default: true },
  { key: "totals", kind: "switch", label: { zh: "总计", en: "Grand totals" }, default: true },
  C.numberFormat,
];
