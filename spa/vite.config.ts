import { fileURLToPath, URL } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` proxies the API to a local `comptoir run` so cookies stay same-origin, as they
// are in production where the API serves the built files itself.
const apiTarget = process.env["COMPTOIR_API_URL"] ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: { proxy: { "/api": { target: apiTarget, changeOrigin: false } } },
  build: { sourcemap: true },
});
