import { defineConfig } from "vitest/config";

// End-to-end: the real API (started by e2e/global-setup.ts) serving the built SPA, driven by
// Debian's Chromium through playwright-core. One browser at a time: the machine has 2 cores.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
