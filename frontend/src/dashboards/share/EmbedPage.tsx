/**
 * /embed/dashboards/NAME#token=sze_... — the page a portal frames: only the dashboard (or its one chart)
 * of the guest token, no app chrome. The token comes from the fragment (or ?token= for portals that
 * cannot set one) and goes in X-Embed-Token; the server decides the dashboard, the fixed filters and the
 * row attributes from the signed token alone. An expired token says so (the portal reloads the frame
 * with a new one).
 */
import { Result, Spin } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { errorMessage } from "../../api/client";
import { embedDashboard, publicData, publicFieldValues, publicHierarchyValues, type Access, type PublicDashboard } from "./publicApi";
import ReadOnlyDashboard from "./ReadOnlyDashboard";
import { useST } from "./text";

function tokenOfUrl(): string {
  const hash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  return hash.get("token") ?? new URLSearchParams(window.location.search).get("token") ?? "";
}

export default function EmbedPage() {
  const st = useST();
  const access: Access = useMemo(() => ({ kind: "embed", token: tokenOfUrl() }), []);
  const [dash, setDash] = useState<PublicDashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    embedDashboard(access).then(setDash).catch((e) => setError(errorMessage(e)));
  }, [access]);
  const values = useMemo(() => ({
    fieldValues: (f: string, s?: string) => publicFieldValues(access, f, s),
    hierarchyValues: (n: string) => publicHierarchyValues(access, n),
  }), [access]);
  const load = useCallback((body: object) => publicData(access, body), [access]);
  if (error)
    return (
      <div data-testid="embed-error">
        <Result status="warning" title={st("embed.failed")} subTitle={error} />
      </div>
    );
  if (!dash) return <Spin size="large" style={{ display: "block", marginTop: "20vh" }} />;
  return (
    <div className="embed-page" data-testid="embed-page">
      <ReadOnlyDashboard dash={dash} load={load} values={values} chrome={!dash.component} onError={(e) => setError(errorMessage(e))} />
    </div>
  );
}
