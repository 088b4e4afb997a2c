/**
 * 「去分析」 for a warehouse table: make it analyzable (POST /tables/{name}/add-to-model — a model
 * dataset with generated metrics: row count and a sum per numeric column), then open the analysis
 * page on its first generated sum (or its row count). A table already in the model just opens.
 */
import { api, ApiError, unwrap } from "../api/client";

export async function analyzeTable(table: string): Promise<string> {
  try {
    const out = await unwrap(api.POST("/api/v1/tables/{name}/add-to-model", { params: { path: { name: table } }, body: { replace: false } }));
    const sum = out.metrics.find((m) => !m.name.endsWith("__rows")) ?? out.metrics[0];
    return sum ? `/analysis?metric=${encodeURIComponent(sum.name)}&range=all` : "/analysis";
  } catch (e) {
    if (e instanceof ApiError && (e.code === "model_dataset_exists" || e.code === "table_in_model")) return "/analysis";
    throw e;
  }
}
