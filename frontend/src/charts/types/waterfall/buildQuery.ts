/** 瀑布图: each category's contribution to the total of one additive metric, ending with a 合计 bar. */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "waterfall");
