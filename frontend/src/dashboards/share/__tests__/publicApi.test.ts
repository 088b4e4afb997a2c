import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../api/client";
import { openShare, publicData, publicFieldValues } from "../publicApi";

type Call = { url: string; init: RequestInit };
function stub(status: number, body: unknown): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  });
  return calls;
}

describe("calls of pages without an account", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("sends the link's secret and grant in headers, never cookies or the URL", async () => {
    const calls = stub(200, { needs_password: false, expires_at: null });
    await openShare({ kind: "share", token: "szs_abc", grant: "1.x" });
    const { url, init } = calls[0];
    expect(url).toBe("/api/v1/public/share");
    expect(init.credentials).toBe("omit");
    const h = init.headers as Record<string, string>;
    expect(h["X-Share-Token"]).toBe("szs_abc");
    expect(h["X-Share-Grant"]).toBe("1.x");
  });

  it("uses the embed routes and header for a guest token", async () => {
    const calls = stub(200, { field: "f", values: [] });
    await publicFieldValues({ kind: "embed", token: "sze_t" }, "customers.region", "华");
    expect(calls[0].url).toBe("/api/v1/embed/fields/customers.region/values?limit=200&search=%E5%8D%8E");
    expect((calls[0].init.headers as Record<string, string>)["X-Embed-Token"]).toBe("sze_t");
    expect(calls[0].url).not.toContain("sze_t");
  });

  it("turns an error answer into an ApiError with its code (the page shows revoked / expired)", async () => {
    stub(410, { error: { code: "share_revoked", message: "此分享链接已被撤销。" } });
    const e = await publicData({ kind: "share", token: "szs_abc" }, {}).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe("share_revoked");
    expect((e as ApiError).status).toBe(410);
  });
});
