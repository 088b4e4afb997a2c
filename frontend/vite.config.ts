import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { precompress } from "./precompress";

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
        manualChunks: {
          react: ["react", "react-dom", "react-router-dom"],
          echarts: ["echarts/core", "echarts/charts", "echarts/components", "echarts/renderers", "echarts-for-react/lib/core"],
        },
      },
    },
  },
});
