import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { precompress } from "./precompress";

function chunkName(name: string, id: string | null | undefined): string {
  if (name !== "index" || !id) return name;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:es\/|lib\/|dist\/)?(?:([^/]+)\/)?/.exec(id.replace(/\\/g, "/"));
  if (!m) return /\/([^/]+)\/index\.[jt]sx?$/.exec(id)?.[1] ?? name;
  const pkg = m[1].replace(/^@/, "").replace("/", "-");
  return m[2] && !/\.[jt]sx?$/.test(m[2]) ? `${pkg}-${m[2]}` : pkg;
}

// `npm run dev` proxies the API to a local `shuzhi serve` (SHUZHI_API, default http://127.0.0.1:8800).
const api = process.env.SHUZHI_API ?? "http://127.0.0.1:8800";

export default defineConfig({
  plugins: [react(), precompress()],
  server: { proxy: { "/api": api, "/openapi.json": api } },
  build: {
    outDir: "dist",
    manifest: true, // dist/.vite/manifest.json: what each entry imports (tests/api/test_static_assets.py, benchmarks/asset_size.py)
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // React and ECharts in their own long-lived chunks; Ant Design is split by Rollup per page, so the login
        // page loads only the components it uses (ECharts is reached from lazy pages only: after sign-in).
        // a shared chunk named after its package folder (antd/es/table/index.js → antd-table), not "index"
        chunkFileNames: (chunk) => `assets/${chunkName(chunk.name, chunk.facadeModuleId ?? chunk.moduleIds.at(-1))}-[hash].js`,
        manualChunks: {
          react: ["react", "react-dom", "react-router-dom"],
          echarts: ["echarts/core", "echarts/charts", "echarts/components", "echarts/renderers", "echarts-for-react/lib/core"],
        },
      },
    },
  },
});
