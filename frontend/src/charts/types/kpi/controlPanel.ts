import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [C.numberFormat, { ...C.refLines, label: { zh: "目标值（显示达成率）", en: "Target (shows attainment)" } }];
