import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [{ ...C.labels, label: { zh: "显示转化率", en: "Show conversion" }, default: true }, C.numberFormat];
