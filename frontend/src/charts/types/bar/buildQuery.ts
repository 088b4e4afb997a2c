/** 柱状/条形图: categories on 行/X, one bar per metric or per member of 列/系列 (grouped, stacked or 100 %). */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "bar");
