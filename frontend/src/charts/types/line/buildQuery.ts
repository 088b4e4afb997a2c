/** 折线图: a trend over the time dimension (or categories); 列/系列 splits it into one line per member. */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "line");
