/** 仪表盘: one number (no dimension) against a scale; a 目标线 becomes the target needle and 达成率. */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "gauge");
