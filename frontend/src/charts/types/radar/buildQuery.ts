/**
 * 雷达图: with 3+ metrics, each metric is an axis and each member of the dimension a polygon (top 8 by the
 * first metric); with fewer metrics, the members are the axes and each metric (or 列/系列 member) a polygon.
 */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "radar");
