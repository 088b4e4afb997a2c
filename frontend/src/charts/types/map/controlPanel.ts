import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [{ ...C.labels, label: { zh: "省份名称", en: "Province names" } }, C.numberFormat];
