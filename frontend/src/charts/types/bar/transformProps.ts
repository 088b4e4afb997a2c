import type { QueryResult } from "../../../api/client";
import { cartesian } from "../../core/cartesian";
import type { ChartConfig, TransformCtx } from "../../core/types";

export const transformProps = (r: QueryResult, c: ChartConfig, ctx: TransformCtx) => cartesian(r, c, ctx, "bar");
