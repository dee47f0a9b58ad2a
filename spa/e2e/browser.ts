import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";
import { CliCompanion } from "./companion";
import type { E2eFirm } from "./firms";

// Debian's Chromium, never a downloaded build (the machine and CI reach no browser CDN). The
// flags keep it from calling Google's services, refused on this closed network at every start.
const CHROMIUM = process.env["COMPTOIR_CHROMIUM"] ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export const SCREENSHOTS = resolve(import.meta.dirname, "..", "test-results");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** What a French accountant's browser says of itself. */
export const FRENCH = { locale: "fr-FR", timezoneId: "Europe/Paris" } as const;

export interface SignedInOwner {
  /** Chromium, launched once for the spec file. */
  readonly browser: Browser;
  /** The command-line companion that approved the owner's QR login (it can approve another). */
  readonly companion: CliCompanion;
  /** The current test's own context, carrying the owner's cookies, and its page. */
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * Registers the spec file's hooks: Chromium is launched once, the owner of the spec's firm signs
 * in once through the QR code with the command-line companion, and every test gets a fresh
 * context with those cookies (`options` on top: a viewport, downloads…), closed after it.
 */
export function signedInOwner(firm: E2eFirm, options: BrowserContextOptions = {}): SignedInOwner {
  let browser: Browser | undefined;
  let companion: CliCompanion | undefined;
  let signedIn: Awaited<ReturnType<BrowserContext["storageState"]>> | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is only there inside a test`);
    return value;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    companion = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks")[firm]);
    const login = await browser.newContext(FRENCH);
    await companion.logIn(await login.newPage(), inject("baseUrl"));
    signedIn = await login.storageState();
    await login.close();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    context = await ready(browser, "the browser").newContext({ ...FRENCH, storageState: signedIn, ...options });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    context = page = undefined;
  });

  return {
    get browser() {
      return ready(browser, "the browser");
    },
    get companion() {
      return ready(companion, "the companion");
    },
    get context() {
      return ready(context, "the context");
    },
    get page() {
      return ready(page, "the page");
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page and returns the serious and critical WCAG violations, readable. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy (script-src
  // 'self') rightly refuses an inline <script>, and the e2e runs under that real policy.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .map((node) => node.target.join(" "))
          .join(", ")}`,
    );
}
