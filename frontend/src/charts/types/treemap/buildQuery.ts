/** 矩形树图: areas by the first metric; a second dimension nests inside the first (e.g. 产品线 → 产品). */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "treemap");
