import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot } from "./browser";
import { CliCompanion } from "./companion";

// Every screen at a 1,366 × 768 laptop and a 390 × 844 phone: the document never scrolls
// sideways (« Documents clients » was 1,624 px wide on a laptop, its amounts and actions off
// screen). A wide table scrolls inside its own frame; the page itself must fit.
const baseUrl = inject("baseUrl");
const VIEWPORTS = [
  { name: "laptop", width: 1366, height: 768 },
  { name: "phone", width: 390, height: 844 },
] as const;
const CLIENTS = [
  { siren: "698716891", name: "BOULANGERIE LEROY" },
  { siren: "400297875", name: "" },
];

// Screens that still overflow (measured 2026-12-07, issue 16): the test fails on any other, so no
// new screen can overflow; remove a line when its screen is fixed. `:id` stands for a client's id.
const KNOWN_OVERFLOWS: Record<(typeof VIEWPORTS)[number]["name"], readonly string[]> = {
  laptop: [],
  phone: [],
};

let browser: Browser;
let signedIn: Awaited<ReturnType<BrowserContext["storageState"]>>;
let clientId = "";

/** A call of the signed-in page, with the CSRF header the API requires on writes. */
async function call(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
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

beforeAll(async () => {
  browser = await launchChromium();
  const companion = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").layout);
  const context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  await companion.logIn(page, baseUrl);
  // Data on every screen: clients (one with a long contact), a document, a subscription.
  for (const client of CLIENTS) {
    const created = await call(page, "POST", "/api/v1/clients", {
      identifier: client.siren,
      contact_first_name: "Marie-Christine",
      contact_last_name: "Delacroix-Beaumont de la Villardière",
      contact_email: "marie-christine.delacroix-beaumont@une-adresse-tres-longue.example",
    });
    expect(created.status).toBe(201);
    clientId ||= (created.body as { id: string }).id;
  }
  await page.goto(`${baseUrl}/documents`);
  await page.getByRole("button", { name: "Déposer un document" }).click();
  const upload = page.getByRole("dialog", { name: "Déposer un document" });
  await upload.getByLabel("Client").selectOption({ index: 1 });
  await upload.getByLabel("Type de document").selectOption("invoice");
  await upload.getByLabel("Fichier").setInputFiles({
    name: "facture-fournisseur-materiel-informatique-decembre-2026-numero-000123456789.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
  });
  await upload.getByRole("button", { name: "Déposer", exact: true }).click();
  await page.getByRole("status").getByText("a été déposé", { exact: false }).waitFor();
  signedIn = await context.storageState();
  await context.close();
});

afterAll(async () => {
  await browser?.close();
});

function routes(): string[] {
  return [
    "/",
    "/clients",
    "/clients/import",
    `/clients/${clientId}`,
    `/clients/${clientId}/collaborateurs`,
    `/clients/${clientId}/abonnement`,
    `/clients/${clientId}/facturation`,
    `/clients/${clientId}/historique`,
    "/clients/pas-un-uuid",
    "/documents",
    "/utilisateurs",
    "/extensions",
    "/journal",
    "/compte",
    "/statut",
    "/nulle-part",
    "/mobile/activite",
    "/mobile/deposer",
  ];
}

/** The innermost elements that reach past the window's right edge, to say what to fix. */
function culprits(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const beyond = Array.from(document.body.querySelectorAll("*")).filter(
      (element) => element.getBoundingClientRect().right > width + 0.5,
    );
    return beyond
      .filter((element) => !beyond.some((other) => other !== element && element.contains(other)))
      .slice(0, 3)
      .map((element) => `${element.tagName.toLowerCase()}.${Array.from(element.classList).join(".")}`);
  });
}

/** How far each list reaches past its own frame (a DataTable scrolls inside it rather than
 * widening the page): on a phone a list is cards and must fit; on a laptop it should too. */
function listOverflows(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll(".table-scroll"), (frame) => frame.scrollWidth - frame.clientWidth),
  );
}

/** How far the page reaches past the window's width, in CSS pixels (0 when it fits). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe("every screen fits the window", () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} × ${viewport.height} (${viewport.name})`, async () => {
      const context = await browser.newContext({
        locale: "fr-FR",
        timezoneId: "Europe/Paris",
        storageState: signedIn,
        viewport: { width: viewport.width, height: viewport.height },
      });
      const page = await context.newPage();
      const tooWide: string[] = [];
      for (const route of routes()) {
        await page.goto(`${baseUrl}${route}`);
        await page.waitForLoadState("networkidle");
        if ((await page.getByRole("heading", { level: 1 }).count()) === 0) {
          tooWide.push(`${route}: pas de titre (la page n'a pas fini de s'afficher)`);
          continue;
        }
        const extra = await overflow(page);
        if (extra > 0) tooWide.push(`${route}: ${extra} px de trop (${(await culprits(page)).join(", ")})`);
        for (const [index, listExtra] of (await listOverflows(page)).entries()) {
          if (listExtra > 0) tooWide.push(`${route}: la liste n° ${index + 1} déborde de ${listExtra} px`);
        }
        // COMPTOIR_E2E_SCREENSHOTS=all keeps a picture of every screen, to look at the layout.
        if (extra > 0 || process.env["COMPTOIR_E2E_SCREENSHOTS"] === "all") {
          await screenshot(page, `layout-${viewport.name}${route.replaceAll("/", "-").replace(clientId, "client")}`);
        }
      }
      // The public pages too, signed out.
      const visitor = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const visitorPage = await visitor.newPage();
      for (const route of ["/connexion", "/enroll"]) {
        await visitorPage.goto(`${baseUrl}${route}`);
        await visitorPage.waitForLoadState("networkidle");
        const extra = await overflow(visitorPage);
        if (extra > 0) tooWide.push(`${route}: ${extra} px de trop`);
      }
      await visitor.close();
      await context.close();
      const known = new Set(KNOWN_OVERFLOWS[viewport.name]);
      const generic = (line: string) => line.split(":")[0]!.replace(clientId, ":id");
      expect(tooWide.filter((line) => !known.has(generic(line)))).toEqual([]);
    });
  }
});
