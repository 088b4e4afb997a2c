/**
 * English labels for result columns. Query results carry the Chinese label only, so the first chart drawn
 * in English loads the default model once (GET /models, /models/{name}) and fills `englishLabels` with
 * every metric's, field's and shared dimension's label_en. Charts re-render when it resolves.
 */
import { api, unwrap } from "../api/client";
import { englishLabels } from "./core/columns";


let loading: Promise<void> | null = null;

export function ensureEnglishLabels(): Promise<void> {
  if (!loading) {
    loading = (async () => {
      const models = await unwrap(api.GET("/api/v1/models"));
      const name = (models.find((m) => m.is_default) ?? models[0])?.name;
      if (!name) return;
      const r = await unwrap(api.GET("/api/v1/models/{name}", { params: { path: { name } } }));
      const d = r.definition;
      for (const m of d.metrics ?? []) if (m.label_en) englishLabels.set(m.name, m.label_en);
      for (const s of d.shared_dimensions ?? []) if (s.label_en) englishLabels.set(s.name, s.label_en);
      for (const ds of d.datasets ?? []) for (const f of ds.fields ?? []) if (f.label_en && !englishLabels.has(`${ds.name}.${f.name}`)) englishLabels.set(`${ds.name}.${f.name}`, f.label_en);
    })().catch(() => {
      loading = null; // labels fall back to column names; try again next time
    });
  }
  return loading;
}
