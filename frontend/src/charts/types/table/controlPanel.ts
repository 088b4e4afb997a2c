import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [
  { key: "pageSize", kind: "select", label: { zh: "每页行数", en: "Rows per page" }, default: 10, options: [10, 20, 50, 100].map((n) => ({ value: n, label: { zh: `${n} 行`, en: `${n} rows` } })) },
  { key: "cond", kind: "cond", label: { zh: "条件格式", en: "Conditional formatting" } },
  C.numberFormat,
];
