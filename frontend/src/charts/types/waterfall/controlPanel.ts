import * as C from "../../core/controls";
import type { Control } from "../../core/types";

export const controls: Control[] = [{ ...C.labels, default: true }, C.numberFormat, C.refLines];
