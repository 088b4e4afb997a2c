import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [{ ...C.labels, label: { zh: "显示数值", en: "Show values" } }, C.numberFormat];
