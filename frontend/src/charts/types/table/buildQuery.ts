/** 明细表: every dimension and metric as a column, paged; any shelf combination fits. */
import { baseQuery } from "../../core/query";
import type { Shelves } from "../../core/shelves";

export const buildQuery = (s: Shelves) => baseQuery(s, "table");
