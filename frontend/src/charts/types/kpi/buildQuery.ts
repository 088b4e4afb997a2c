/** 指标卡: one number for the whole range (no dimension); a 同比/环比 quick calculation becomes its arrow. */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "kpi");
