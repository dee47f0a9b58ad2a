import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vitest/config";

// Unit tests run on Node: its WebCrypto is the same API the browser exposes, and fake-indexeddb
// stands in for IndexedDB (see src/lib/device-key.test.ts).
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "tests/**/*.test.ts"],
  },
});
