import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { CliCompanion } from "./companion";

// A client's software deposits two invoices through the real Flow Service (AFNOR XP Z12-013), as
// docs/flows.md and examples/afnor_flow_software.py do: an API key of the firm, a token by OAuth2
// client credentials, `Organization-Id` = the client's SIREN. One is the standard's UC1 invoice
// (valid), the other a generic EN 16931 sample that lacks what French law requires (rejected).
// Then the firm finds them in the client's « Flux » tab and under « Documents clients » with
// their status (the valid one is routed on: its buyer has no address, « Erreur de routage »
// after « Déposée »), reads the validation report in French, the readable view, and downloads
// the original.
const baseUrl = inject("baseUrl");
// ../shared next to the repository, as the API tests (tests/shared_data.py).
const SHARED = process.env["COMPTOIR_TEST_SHARED_DIR"] ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const VALID = resolve(SHARED, "data", "afnor", "examples", "UC1", "UC1_F202500003_00-INV_20250701_CII.xml");
const REJECTED = resolve(SHARED, "data", "einvoices", "cii", "CII_example1.xml");
// In the packaged SIRENE sample the e2e server loads.
const GARAGE = { siren: "610869075", name: "GARAGE CHEVALIER ET FRÈRES" };
// Validation runs in the server's worker: the first flow compiles the rule sets (tens of seconds
// on a busy machine).
const VALIDATED_WITHIN_MS = 150_000;

let browser: Browser;
let page: Page;
let clientId = "";
let apiKey = { id: "", secret: "" };
const flowIds: Record<"valid" | "rejected", string> = { valid: "", rejected: "" };

/** A call of the signed-in page, with the CSRF header the API requires on writes. */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = /(?:^|; )comptoir_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? "";
      const response = await fetch(path, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": decodeURIComponent(csrf) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    { method, path, body },
  );
}

/** The software's side: a bearer token for the API key (RFC 6749 §4.4, client_secret_basic). */
async function softwareToken(clientIdOfKey: string, secret: string): Promise<string> {
  const response = await fetch(`${baseUrl}/oauth2/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientIdOfKey}:${secret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "flows:read flows:write" }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The French VAT number of a SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97). */
function vatNumber(siren: string): string {
  return `FR${String((12 + 3 * (Number(siren) % 97)) % 97).padStart(2, "0")}${siren}`;
}

/** The bytes the software deposits: only an invoice's issuer may deposit it, so UC1's invoice
 * is issued by the garage (its seller's SIREN and VAT number replaced); the generic sample
 * names no SIREN and is left to the French rules. */
function contentOf(path: string): Buffer<ArrayBuffer> {
  if (path !== VALID) {
    return readFileSync(path);
  }
  const xml = readFileSync(path, "utf8")
    .replaceAll("FR88100000009", vatNumber(GARAGE.siren))
    .replaceAll("100000009", GARAGE.siren);
  return Buffer.from(xml, "utf8");
}

/** `POST /afnor-flow/v1/flows`: the file and the annex's `flowInfo`, with its SHA-256. */
async function deposit(token: string, path: string): Promise<string> {
  const content = contentOf(path);
  const form = new FormData();
  form.append("file", new Blob([content], { type: "application/xml" }), basename(path));
  const info = {
    name: basename(path),
    flowSyntax: "CII",
    trackingId: `e2e-${basename(path, ".xml")}`,
    sha256: createHash("sha256").update(content).digest("hex"),
  };
  form.append("flowInfo", new Blob([JSON.stringify(info)], { type: "application/json" }));
  const response = await fetch(`${baseUrl}/afnor-flow/v1/flows`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Organization-Id": GARAGE.siren },
    body: form,
  });
  const answer = (await response.json()) as { flowId?: string };
  expect(response.status, JSON.stringify(answer)).toBe(202);
  return answer.flowId!;
}

/** The acknowledgement the software reads back (`GET /afnor-flow/v1/flows/{id}`). */
async function acknowledgement(token: string, flowId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/afnor-flow/v1/flows/${flowId}`, {
    headers: { Authorization: `Bearer ${token}`, "Organization-Id": GARAGE.siren },
  });
  const flow = (await response.json()) as { acknowledgement?: { status?: string } };
  return flow.acknowledgement?.status ?? `HTTP ${response.status}`;
}

/** The row of a list whose file is `name`, once it is there. */
async function rowOf(table: Locator, name: string): Promise<Locator> {
  const row = table.getByRole("row").filter({ has: page.getByRole("button", { name: `Voir le rapport de « ${name} »` }) });
  await row.waitFor();
  return row;
}

const sharedDataThere = existsSync(VALID) && existsSync(REJECTED);

beforeAll(async () => {
  if (!sharedDataThere) return;
  browser = await launchChromium();
  const companion = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").flows);
  const context = await browser.newContext({
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  page = await context.newPage();
  await companion.logIn(page, baseUrl);

  // The firm: the client, its e-invoicing activated on a certified mandate, an API key for
  // the client's software.
  const added = await call("POST", "/api/v1/clients", { identifier: GARAGE.siren });
  expect(added.status).toBe(201);
  clientId = (added.body as { id: string }).id;
  const certification = await call("GET", "/api/v1/einvoicing/certification");
  expect(certification.status).toBe(200);
  const { version, text } = certification.body as { version: string; text: string };
  const activated = await call("POST", `/api/v1/clients/${clientId}/einvoicing/activation`, {
    certified: true,
    certification_version: version,
    certification_text: text,
  });
  expect(activated.status).toBe(202);
  const key = await call("POST", "/api/v1/api-keys", { name: "Logiciel du garage", scopes: ["flows:read", "flows:write"] });
  expect(key.status).toBe(201);
  apiKey = key.body as { id: string; secret: string };
});

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!sharedDataThere)("deposited e-invoices, as the firm sees them", () => {
  it(
    "the client's software deposits two invoices and reads them acknowledged, Ok and Error",
    async () => {
      // The software: a token, two deposits (202 at once), then it reads the acknowledgements
      // until the worker has checked both.
      const token = await softwareToken(apiKey.id, apiKey.secret);
      flowIds.valid = await deposit(token, VALID);
      flowIds.rejected = await deposit(token, REJECTED);
      await expect
        .poll(() => acknowledgement(token, flowIds.valid), { timeout: VALIDATED_WITHIN_MS, interval: 1_000 })
        .toBe("Ok");
      await expect
        .poll(() => acknowledgement(token, flowIds.rejected), { timeout: VALIDATED_WITHIN_MS, interval: 1_000 })
        .toBe("Error");
      // The valid one is then routed: its buyer (SIREN 200000008) has no directory line, so the
      // platform records 221 « Erreur de routage » after 200 « Déposée ».
      await expect
        .poll(async () => ((await call("GET", `/api/v1/flows/${flowIds.valid}`)).body as { lifecycle_status: number | null }).lifecycle_status, {
          timeout: VALIDATED_WITHIN_MS,
          interval: 1_000,
        })
        .toBe(221);
    },
    VALIDATED_WITHIN_MS * 2,
  );

  it("lists both in the client's « Flux » tab with their status: « Erreur de routage », « Rejetée »", async () => {
    await page.goto(`${baseUrl}/clients/${clientId}`);
    await page.getByRole("heading", { level: 1, name: GARAGE.name }).waitFor();
    await page.getByRole("navigation", { name: "Fiche client" }).getByRole("link", { name: "Flux" }).click();
    await page.getByRole("heading", { level: 2, name: "Flux de facturation électronique" }).waitFor();
    const table = page.getByTestId("flows-table");

    const valid = await rowOf(table, basename(VALID));
    await valid.getByText("Erreur de routage").waitFor();
    expect(await valid.textContent()).toContain("F202500003");
    const rejected = await rowOf(table, basename(REJECTED));
    await rejected.getByText("Rejetée").waitFor();
    expect(await rejected.textContent()).toContain("12115118");
    // Comptoir's own status messages (CDAR 200, 221 and 213) are flows of the client too.
    expect(await table.getByText("Statut (vente)").count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, "flows-client-tab");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("explains the rejection in French with the rule ids", async () => {
    await page.getByRole("button", { name: `Voir le rapport de « ${basename(REJECTED)} »` }).click();
    const report = page.getByRole("dialog", { name: `Flux « ${basename(REJECTED)} »` });
    await report.getByTestId("flow-detail").waitFor();
    await report.getByText("BR-FR-08_BT-23", { exact: true }).waitFor();
    expect(await report.getByText("BR-FR-05_BT-22_PMT", { exact: true }).count()).toBe(1);
    expect(await report.getByText(/La valeur du mode de facturation \(ram:ID\) est absente/).count()).toBe(1);
    expect(await report.getByText("Bloquante").count()).toBeGreaterThanOrEqual(1);
    expect(await report.getByText("1.4.0.01").count()).toBe(1);
    await screenshot(page, "flows-rejected-report");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await report.getByRole("button", { name: "Fermer" }).last().click();
    await report.waitFor({ state: "hidden" });
  });

  it("opens the valid invoice's report, its readable view, and downloads the original", async () => {
    await page.getByRole("button", { name: `Voir le rapport de « ${basename(VALID)} »` }).click();
    const report = page.getByRole("dialog", { name: `Flux « ${basename(VALID)} »` });
    const detail = report.getByTestId("flow-detail");
    await detail.waitFor();
    // Its current status, and the messages the platform issued on the way: 200 then 221.
    expect(await detail.getByText("Erreur de routage").count()).toBeGreaterThanOrEqual(1);
    const messages = detail.getByRole("list").filter({ hasText: "Déposée" });
    await messages.waitFor();
    expect(await messages.getByText("Erreur de routage").count()).toBe(1);
    expect(await report.getByText("Bloquante").count()).toBe(0);

    const actions = detail.locator(".flow-detail__actions");
    const [readable] = await Promise.all([
      page.context().waitForEvent("page"),
      actions.getByRole("link", { name: "Vue lisible" }).click(),
    ]);
    await readable.getByRole("heading", { level: 1, name: basename(VALID) }).waitFor();
    expect(await readable.getByRole("cell", { name: "F202500003" }).count()).toBe(1);
    await readable.close();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      actions.getByRole("link", { name: "Télécharger l'original" }).click(),
    ]);
    const saved = await download.path();
    expect(createHash("sha256").update(readFileSync(saved)).digest("hex")).toBe(
      createHash("sha256").update(contentOf(VALID)).digest("hex"),
    );
    await report.getByRole("button", { name: "Fermer" }).last().click();
    await report.waitFor({ state: "hidden" });
  });

  it("shows them under « Documents clients », with their status", async () => {
    await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Documents clients" }).click();
    await page.getByRole("heading", { level: 1, name: "Documents clients" }).waitFor();
    // Each invoice flow is also a document of the client.
    const documents = page.getByTestId("documents-table");
    await documents.getByRole("row").filter({ hasText: "F202500003" }).waitFor();
    await documents.getByRole("row").filter({ hasText: "12115118" }).waitFor();
    expect(await documents.getByRole("row").filter({ hasText: "F202500003" }).getByText(GARAGE.name).count()).toBe(1);

    const flows = page.getByTestId("flows-table");
    await (await rowOf(flows, basename(VALID))).getByText("Erreur de routage").waitFor();
    await (await rowOf(flows, basename(REJECTED))).getByText("Rejetée").waitFor();
    await screenshot(page, "flows-documents");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });
});
