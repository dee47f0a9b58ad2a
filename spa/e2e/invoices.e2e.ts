import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { CliCompanion } from "./companion";

// « Factures reçues » / « Factures émises » between two clients of one firm on this platform: the
// garage's software deposits two invoices (the standard's UC1 invoice, addressed to the bakery,
// dated today) through the Flow Service; routing delivers them to the bakery (202, 203); the
// firm takes both in charge at once (one result per invoice), refuses one with a reason code
// after a confirmation, and reads the timeline; the garage's « Factures émises » shows it
// refused. On the other, the bakery's side says « Paiement transmis », the garage's marks it
// « Encaissée », and both timelines show the two statuses in order.
const baseUrl = inject("baseUrl");
const SHARED = process.env["COMPTOIR_TEST_SHARED_DIR"] ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const UC1 = resolve(SHARED, "data", "afnor", "examples", "UC1", "UC1_F202500003_00-INV_20250701_CII.xml");
// Both in the packaged SIRENE sample the e2e server loads, and registered by no other spec: the
// embedded directory holds one designation per SIREN, so a company another spec's firm already
// registered ends « error » here (clients.e2e.ts registers BOULANGERIE LEROY).
const GARAGE = { siren: "983695792", name: "INFORMATIQUE GARNIER" };
const BAKERY = { siren: "222646861", name: "IMPRIMERIE ROUX" };
const NUMBERS = ["F202600101", "F202600102"];
const WITHIN_MS = 150_000;

let browser: Browser;
let page: Page;
const clientIds = { garage: "", bakery: "" };
let apiKey = { id: "", secret: "" };

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

/** The French VAT number of a SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97). */
function vatNumber(siren: string): string {
  return `FR${String((12 + 3 * (Number(siren) % 97)) % 97).padStart(2, "0")}${siren}`;
}

function yyyymmdd(date: Date): string {
  return date.toISOString().slice(0, 10).replaceAll("-", "");
}

/** UC1's invoice, from the garage to the bakery, numbered `number`, dated today: the bakery's
 * directory line starts today, and routing reads the line in effect on the invoice date. */
function invoiceFor(number: string): string {
  const today = new Date();
  const due = new Date(today.getTime() + 30 * 86_400_000);
  const xml = readFileSync(UC1, "utf8")
    .replaceAll("F202500003", number)
    .replaceAll("FR37200000008", vatNumber(BAKERY.siren))
    .replaceAll("200000008", BAKERY.siren)
    .replaceAll("FR88100000009", vatNumber(GARAGE.siren))
    .replaceAll("100000009", GARAGE.siren)
    .replaceAll("20250701", yyyymmdd(today))
    .replaceAll("20250731", yyyymmdd(due));
  return xml;
}

async function activate(clientId: string, version: string, text: string): Promise<void> {
  const activated = await call("POST", `/api/v1/clients/${clientId}/einvoicing/activation`, {
    certified: true,
    certification_version: version,
    certification_text: text,
  });
  expect(activated.status).toBe(202);
}

const sharedDataThere = existsSync(UC1);

beforeAll(async () => {
  if (!sharedDataThere) return;
  browser = await launchChromium();
  const companion = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").invoices);
  const context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris", viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  await companion.logIn(page, baseUrl);
  for (const [key, company] of [["garage", GARAGE], ["bakery", BAKERY]] as const) {
    const added = await call("POST", "/api/v1/clients", { identifier: company.siren });
    expect(added.status).toBe(201);
    clientIds[key] = (added.body as { id: string }).id;
  }
  const certification = (await call("GET", "/api/v1/einvoicing/certification")).body as { version: string; text: string };
  await activate(clientIds.garage, certification.version, certification.text);
  await activate(clientIds.bakery, certification.version, certification.text);
  const key = await call("POST", "/api/v1/api-keys", { name: "Logiciel du garage", scopes: ["flows:read", "flows:write"] });
  expect(key.status).toBe(201);
  apiKey = key.body as { id: string; secret: string };
});

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!sharedDataThere)("invoices between two clients", () => {
  it(
    "delivers the garage's two invoices to the bakery once its address is in the directory",
    async () => {
      // The bakery must be registered (its directory line written by the worker) first.
      await expect
        .poll(async () => ((await call("GET", `/api/v1/clients/${clientIds.bakery}/einvoicing`)).body as { pa_status: string }).pa_status, {
          timeout: WITHIN_MS,
          interval: 1_000,
        })
        .toBe("registered");
      const tokenResponse = await fetch(`${baseUrl}/oauth2/token`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${apiKey.id}:${apiKey.secret}`).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: "flows:write" }),
      });
      const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
      for (const number of NUMBERS) {
        const content = invoiceFor(number);
        const form = new FormData();
        form.append("file", new Blob([content], { type: "application/xml" }), `${number}.xml`);
        const info = { name: `${number}.xml`, flowSyntax: "CII", sha256: createHash("sha256").update(content, "utf8").digest("hex") };
        form.append("flowInfo", new Blob([JSON.stringify(info)], { type: "application/json" }));
        const deposited = await fetch(`${baseUrl}/afnor-flow/v1/flows`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Organization-Id": GARAGE.siren },
          body: form,
        });
        expect(deposited.status, await deposited.clone().text()).toBe(202);
      }
      // Validated, routed here, and made available to the bakery: 203 « Mise à disposition ».
      await expect
        .poll(
          async () => {
            const page = (await call("GET", `/api/v1/invoices?direction=received&client_id=${clientIds.bakery}`)).body as {
              items?: { invoice_number: string | null; status: number | null }[];
            };
            return (page.items ?? []).filter((invoice) => invoice.status === 203).length;
          },
          { timeout: WITHIN_MS, interval: 1_000 },
        )
        .toBe(2);
    },
    WITHIN_MS * 2,
  );

  it("lists them under « Factures reçues », filtered by status in the address", async () => {
    await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Factures reçues" }).click();
    await page.getByRole("heading", { level: 1, name: "Factures reçues" }).waitFor();
    const table = page.getByTestId("invoices-received");
    for (const number of NUMBERS) {
      const row = table.getByRole("row").filter({ hasText: number });
      await row.getByText("Mise à disposition").waitFor();
      expect(await row.getByText(BAKERY.name).count()).toBe(1);
    }
    await page.getByLabel("Statut", { exact: true }).selectOption({ label: "Refusée" });
    await page.getByText("Aucune facture n'a ce statut.").waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get("statut")).toBe("210");
    await page.getByLabel("Statut", { exact: true }).selectOption({ label: "Mise à disposition" });
    await table.getByRole("row").filter({ hasText: NUMBERS[1]! }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("takes both in charge at once, with one result per invoice", async () => {
    const table = page.getByTestId("invoices-received");
    await table.getByRole("checkbox", { name: "Sélectionner toutes les factures affichées" }).check();
    const bar = page.getByRole("region", { name: "2 factures sélectionnées" });
    await bar.getByLabel("Action").selectOption({ label: "Prendre en charge" });
    await bar.getByRole("button", { name: "Appliquer…" }).click();
    const dialog = page.getByRole("dialog", { name: "Prendre en charge : 2 factures" });
    await dialog.getByText("Chaque facture passera au statut « Prise en charge ».").waitFor();
    await dialog.getByRole("button", { name: "Prendre en charge" }).click();
    const results = page.getByTestId("invoice-bulk-results");
    await results.getByText("2 réussies, 0 en échec.").waitFor();
    for (const number of NUMBERS) {
      expect(await results.getByRole("listitem").filter({ hasText: number }).getByText("Statut : Prise en charge").count()).toBe(1);
    }
    // The filter still asks for « Mise à disposition »: back to every status.
    await page.getByLabel("Statut", { exact: true }).selectOption({ label: "Tous les statuts" });
    await table.getByRole("row").filter({ hasText: NUMBERS[0]! }).getByText("Prise en charge").waitFor();
  });

  it("refuses one with a reason code after a red confirmation, and shows it in its timeline", async () => {
    await page.getByRole("button", { name: `Ouvrir la facture ${NUMBERS[0]}` }).click();
    const invoice = page.getByRole("dialog", { name: `Facture ${NUMBERS[0]}` });
    const timeline = invoice.getByTestId("invoice-timeline");
    await timeline.getByText("Mise à disposition").waitFor();
    expect(await timeline.getByText("Prise en charge").count()).toBe(1);
    await invoice.getByRole("button", { name: "Refuser" }).click();
    const confirm = page.getByRole("dialog", { name: "Refuser" });
    await confirm.getByTestId("final-warning").waitFor();
    const reason = confirm.getByLabel("Motif", { exact: true });
    const firstReason = (await reason.locator("option").nth(1).textContent()) ?? "";
    await reason.selectOption({ index: 1 });
    await confirm.getByLabel("Précision (facultatif)").fill("Prestation non réalisée");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await confirm.getByRole("button", { name: "Refuser" }).click();
    await confirm.waitFor({ state: "hidden" });
    await timeline.getByText("Refusée").waitFor();
    expect(await timeline.getByText(firstReason, { exact: false }).count()).toBe(1);
    expect(await invoice.getByText("Aucune action possible avec ce statut et vos droits.").count()).toBe(1);
    await screenshot(page, "invoices-refused");
    await invoice.getByRole("button", { name: "Fermer" }).last().click();
  });

  it("shows the garage its issued invoice refused, in its client file", async () => {
    await page.goto(`${baseUrl}/clients/${clientIds.garage}/factures-emises`);
    const table = page.getByTestId("invoices-issued");
    await table.getByRole("row").filter({ hasText: NUMBERS[0]! }).getByText("Refusée").waitFor();
    await table.getByRole("row").filter({ hasText: NUMBERS[1]! }).getByText("Prise en charge").waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("the bakery says its payment is sent, the garage marks the invoice cashed, and both timelines tell it", async () => {
    const number = NUMBERS[1]!;
    // The buyer's side: « Paiement transmis » on the invoice the bakery received.
    await page.goto(`${baseUrl}/clients/${clientIds.bakery}/factures-recues`);
    await page.getByTestId("invoices-received").getByRole("row").filter({ hasText: number }).waitFor();
    await page.getByRole("button", { name: `Ouvrir la facture ${number}` }).click();
    let invoice = page.getByRole("dialog", { name: `Facture ${number}` });
    let timeline = invoice.getByTestId("invoice-timeline");
    await timeline.getByText("Prise en charge").waitFor();
    expect(await invoice.getByRole("button", { name: "Marquer encaissée" }).count()).toBe(0);
    await invoice.getByRole("button", { name: "Paiement transmis" }).click();
    const sent = page.getByRole("dialog", { name: "Paiement transmis" });
    await sent.getByText("La facture passera au statut « Paiement transmis ».").waitFor();
    await sent.getByRole("button", { name: "Paiement transmis" }).click();
    await sent.waitFor({ state: "hidden" });
    await timeline.getByText("Paiement transmis").waitFor();
    await invoice.getByRole("button", { name: "Fermer" }).last().click();
    await invoice.waitFor({ state: "hidden" });

    // The seller's side: the garage reads the buyer's status and marks the invoice cashed.
    await page.goto(`${baseUrl}/clients/${clientIds.garage}/factures-emises`);
    const issued = page.getByTestId("invoices-issued");
    await issued.getByRole("row").filter({ hasText: number }).getByText("Paiement transmis").waitFor();
    await page.getByRole("button", { name: `Ouvrir la facture ${number}` }).click();
    invoice = page.getByRole("dialog", { name: `Facture ${number}` });
    timeline = invoice.getByTestId("invoice-timeline");
    await timeline.getByText("Paiement transmis").waitFor();
    expect(await invoice.getByRole("button", { name: "Paiement transmis" }).count()).toBe(0);
    await invoice.getByRole("button", { name: "Marquer encaissée" }).click();
    const cashed = page.getByRole("dialog", { name: "Marquer encaissée" });
    await cashed.getByTestId("final-warning").waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await cashed.getByRole("button", { name: "Marquer encaissée" }).click();
    await cashed.waitFor({ state: "hidden" });
    await timeline.getByText("Encaissée", { exact: true }).waitFor();
    expect(await invoice.getByText("Aucune action possible avec ce statut et vos droits.").count()).toBe(1);
    const sellerStatuses = await timeline.getByRole("listitem").allInnerTexts();
    await invoice.getByRole("button", { name: "Fermer" }).last().click();
    await invoice.waitFor({ state: "hidden" });

    // The bakery's timeline now ends the same way: the buyer's 211, then the seller's 212.
    await page.goto(`${baseUrl}/clients/${clientIds.bakery}/factures-recues`);
    await page.getByTestId("invoices-received").getByRole("row").filter({ hasText: number }).getByText("Encaissée").waitFor();
    await page.getByRole("button", { name: `Ouvrir la facture ${number}` }).click();
    invoice = page.getByRole("dialog", { name: `Facture ${number}` });
    timeline = invoice.getByTestId("invoice-timeline");
    await timeline.getByText("Encaissée", { exact: true }).waitFor();
    const buyerStatuses = await timeline.getByRole("listitem").allInnerTexts();
    const order = (entries: string[]) =>
      ["Mise à disposition", "Prise en charge", "Paiement transmis", "Encaissée"].map((label) =>
        entries.findIndex((entry) => entry.includes(label)),
      );
    for (const entries of [sellerStatuses, buyerStatuses]) {
      const positions = order(entries);
      expect(positions.every((position) => position >= 0), entries.join(" | ")).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
    await screenshot(page, "invoices-cashed");
    await invoice.getByRole("button", { name: "Fermer" }).last().click();
  });
});
