import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [{ key: "max", kind: "number", label: { zh: "刻度上限", en: "Scale max" } }, C.numberFormat, C.refLines];
