/** 热力图: 行/X × 列/系列 (two dimensions), each cell coloured by the first metric. */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "heatmap");
