import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

const spaRoot = resolve(import.meta.dirname, "..");
const repositoryRoot = resolve(spaRoot, "..");
const comptoir = join(repositoryRoot, ".venv", "bin", "comptoir");
const dist = join(spaRoot, "dist");

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitUntilHealthy(baseUrl: string, api: ChildProcess, deadlineMs: number) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (api.exitCode !== null) {
      throw new Error(`comptoir run exited with code ${api.exitCode}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/v1/ready`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`the API did not become ready at ${baseUrl}`);
}

/** Starts the real API on a free port with a throwaway data folder, serving spa/dist. */
export default async function setup(project: TestProject) {
  if (!existsSync(join(dist, "index.html"))) {
    throw new Error("spa/dist is missing: run `npm run build` before `npm run test:e2e`.");
  }
  if (!existsSync(comptoir)) {
    throw new Error(`${comptoir} is missing: run ./scripts/bootstrap at the repository root.`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "comptoir-e2e-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const api = spawn(comptoir, ["run", "--port", String(port)], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      COMPTOIR_ENVIRONMENT: "test",
      COMPTOIR_DATA_DIR: dataDir,
      COMPTOIR_DATABASE_URL: "",
      COMPTOIR_SPA_DIST: dist,
      COMPTOIR_PUBLIC_URL: baseUrl,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  api.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  api.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));

  try {
    await waitUntilHealthy(baseUrl, api, 60_000);
  } catch (error) {
    api.kill("SIGTERM");
    console.error(output.join(""));
    throw error;
  }
  project.provide("baseUrl", baseUrl);

  return async () => {
    api.kill("SIGTERM");
    await new Promise((done) => {
      if (api.exitCode !== null) done(null);
      else api.once("exit", done);
    });
    rmSync(dataDir, { recursive: true, force: true });
  };
}
