import type { QueryResult } from "../../../api/client";
import { cartesian } from "../../core/cartesian";
import type { ChartConfig, TransformCtx } from "../../core/types";

/** Bars for chart.bar (default: the first metric), every other metric a line on the right axis. */
export const transformProps = (r: QueryResult, c: ChartConfig, ctx: TransformCtx) => cartesian(r, { ...c, series: undefined, color: undefined }, ctx, "combo");
