import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [{ ...C.stack, default: "stacked" }, C.smooth, C.labels, C.numberFormat, C.refLines];
