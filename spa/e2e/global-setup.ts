import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { E2E_FIRMS, type E2eFirm } from "./firms";

const spaRoot = resolve(import.meta.dirname, "..");
const repositoryRoot = resolve(spaRoot, "..");
const comptoir = join(repositoryRoot, ".venv", "bin", "comptoir");
const python = join(repositoryRoot, ".venv", "bin", "python");
const dist = join(spaRoot, "dist");
// Every mail the server sends, one JSON file each (read by mailbox.ts), kept after the run.
const mailbox = join(spaRoot, "test-results", "mailbox");

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    comptoir: string;
    /** Each test file gets its own firm, so its single-use enrollment link is its own. */
    enrollmentLinks: Record<E2eFirm, string>;
    /** The folder where the SMTP server writes what it receives (mailbox.ts). */
    mailbox: string;
  }
}

/** `comptoir firm create` against the test data folder; returns the owner's enrollment link. */
async function createFirm(env: NodeJS.ProcessEnv, firm: (typeof E2E_FIRMS)[E2eFirm]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    comptoir,
    [
      "firm",
      "create",
      "--name",
      firm.name,
      "--siren",
      firm.siren,
      "--owner-email",
      firm.ownerEmail,
      "--owner-first-name",
      firm.ownerFirstName,
      "--owner-last-name",
      firm.ownerLastName,
    ],
    { cwd: repositoryRoot, env },
  );
  const link = /\S+\/enroll#\S+/.exec(stdout)?.[0];
  if (!link) {
    throw new Error(`comptoir firm create printed no enrollment link:\n${stdout}`);
  }
  return link;
}

/** The SIRENE sample the package ships (the files of ../shared/data/sirene/) in the local
 * registry, so adding clients by SIREN and the Excel import find their companies. */
async function loadSireneSample(env: NodeJS.ProcessEnv): Promise<void> {
  const sample = join(repositoryRoot, "api", "companies", "demo_data");
  await promisify(execFile)(
    comptoir,
    ["sirene", "import", join(sample, "StockUniteLegale_utf8.csv"), join(sample, "StockEtablissement_utf8.csv")],
    { cwd: repositoryRoot, env },
  );
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

/** A real SMTP server on loopback (aiosmtpd, tests/peers/mailbox.py) writing each message it
 * accepts to `folder`; resolves once it listens. */
async function startSmtpServer(port: number, folder: string): Promise<ChildProcess> {
  const server = spawn(python, ["-m", "tests.peers.mailbox", "--port", String(port), "--folder", folder], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(() => failed(new Error("the SMTP server did not start within 30 s")), 30_000);
    server.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        ready();
      }
    });
    server.once("exit", (code) => {
      clearTimeout(timer);
      failed(new Error(`the SMTP server exited with code ${code}`));
    });
  });
  return server;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  await exited;
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
  rmSync(mailbox, { recursive: true, force: true });
  const smtpPort = await freePort();
  const smtp = await startSmtpServer(smtpPort, mailbox);
  const output: string[] = [];
  const env = {
    ...process.env,
    COMPTOIR_ENVIRONMENT: "test",
    COMPTOIR_DATA_DIR: dataDir,
    COMPTOIR_DATABASE_URL: "",
    COMPTOIR_SPA_DIST: dist,
    COMPTOIR_PUBLIC_URL: baseUrl,
    // members.e2e.ts subscribes a webhook receiver it runs on 127.0.0.1.
    COMPTOIR_WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
    // Mail leaves through the outbox to the SMTP server above, as in production.
    COMPTOIR_MAIL_TRANSPORT: "smtp",
    COMPTOIR_SMTP_HOST: "127.0.0.1",
    COMPTOIR_SMTP_PORT: String(smtpPort),
    COMPTOIR_SMTP_SECURITY: "none",
  };
  // Before the server starts: the command migrates the fresh database itself, and SQLite then
  // has a single writer at a time.
  const enrollmentLinks = {} as Record<E2eFirm, string>;
  try {
    await loadSireneSample(env);
    for (const [key, firm] of Object.entries(E2E_FIRMS) as [E2eFirm, (typeof E2E_FIRMS)[E2eFirm]][]) {
      enrollmentLinks[key] = await createFirm(env, firm);
    }
  } catch (error) {
    await stop(smtp);
    throw error;
  }
  const api = spawn(comptoir, ["run", "--port", String(port)], {
    cwd: repositoryRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The server's log lands next to the screenshots, to read when a test fails.
  mkdirSync(join(spaRoot, "test-results"), { recursive: true });
  const log = createWriteStream(join(spaRoot, "test-results", "comptoir-run.log"));
  for (const stream of [api.stdout, api.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      output.push(chunk.toString());
      log.write(chunk);
    });
  }

  try {
    await waitUntilHealthy(baseUrl, api, 60_000);
  } catch (error) {
    await stop(api);
    await stop(smtp);
    console.error(output.join(""));
    throw error;
  }
  project.provide("baseUrl", baseUrl);
  project.provide("comptoir", comptoir);
  project.provide("enrollmentLinks", enrollmentLinks);
  project.provide("mailbox", mailbox);

  return async () => {
    await stop(api);
    await stop(smtp);
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
