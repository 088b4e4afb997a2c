import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a local `shuzhi serve` (SHUZHI_API, default http://127.0.0.1:8800).
const api = process.env.SHUZHI_API ?? "http://127.0.0.1:8800";

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": api, "/openapi.json": api } },
  build: {
    outDir: "dist",
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks: {
          react: ["react", "react-dom", "react-router-dom"],
          antd: ["antd", "@ant-design/icons"],
          echarts: ["echarts/core", "echarts/charts", "echarts/components", "echarts/renderers", "echarts-for-react/lib/core"],
        },
      },
    },
  },
});
