import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [{ ...C.labels, label: { zh: "显示名称", en: "Show names" } }, C.numberFormat, C.refLines];
