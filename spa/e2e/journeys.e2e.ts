import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, seriousAccessibilityViolations } from "./browser";
import { CliCompanion } from "./companion";

// An accountant's day with what issue 16 found broken: a double click on « Confirmer et créer »,
// selecting every client of a filter, a server outage, a dead company search, a revoked session.
const baseUrl = inject("baseUrl");
const IMPORT_SAMPLE = resolve(import.meta.dirname, "..", "..", "..", "shared", "data", "clients", "import-sample.xlsx");

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  const companion = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").journeys);
  context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris", viewport: { width: 1366, height: 768 } });
  page = await context.newPage();
  await companion.logIn(page, baseUrl);
});

afterAll(async () => {
  await browser?.close();
});

describe("an accountant's day", () => {
  it("creates the clients of an import once, whatever the double click", async () => {
    await page.goto(`${baseUrl}/clients/import`);
    await page.getByLabel("Fichier Excel (.xlsx)").setInputFiles(IMPORT_SAMPLE);
    await page.getByRole("button", { name: "Analyser le fichier" }).click();
    const confirm = page.getByRole("button", { name: /^Confirmer et créer/ });
    await confirm.waitFor();
    let confirmations = 0;
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/confirm")) confirmations += 1;
    });
    await confirm.dblclick();
    await page.getByRole("heading", { name: "Import terminé" }).waitFor();
    expect(confirmations).toBe(1);
    expect(await page.getByText("déjà été confirmé", { exact: false }).count()).toBe(0);
    expect(await page.getByText("Rien n'a encore été créé", { exact: false }).count()).toBe(0);
  });

  it("selects every client of the filter, not only the 50 loaded, and changes their subscription", async () => {
    await page.goto(`${baseUrl}/clients`);
    await page.getByRole("button", { name: "Charger plus" }).waitFor();
    // A checkbox is a real target (WCAG 2.5.8), not the browser's 13 px box.
    const selectAll = page.getByLabel("Sélectionner tous les clients affichés");
    const box = await selectAll.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(20);
    await selectAll.check();
    const bar = page.getByRole("region", { name: "Actions groupées" });
    await bar.getByText("50 clients sélectionnés").waitFor();
    // « Tout désélectionner » is legible on the bar (axe's colour contrast).
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await bar.getByRole("button", { name: "Sélectionner tous les clients du filtre" }).click();
    await page.getByTestId("whole-filter-selected").getByText("Les 62 clients du filtre sont sélectionnés.").waitFor();
    await bar.getByRole("button", { name: "Changer l'abonnement" }).click();
    const dialog = page.getByRole("dialog", { name: "Changer l'abonnement de 62 clients" });
    await dialog.getByLabel("Formule").selectOption({ index: 1 });
    await dialog.getByLabel("Le cabinet").check();
    await dialog.getByRole("button", { name: "Appliquer" }).click();
    await page.getByTestId("bulk-summary").getByText("62 réussis, 0 en échec.").waitFor();
  });

  it("focuses the search of « Ajouter un client », and says so when the registry cannot answer", async () => {
    await page.goto(`${baseUrl}/clients`);
    await page.route("**/api/v1/companies/search**", (route) => route.abort("connectionrefused"));
    await page.getByRole("button", { name: "Ajouter un client" }).click();
    const dialog = page.getByRole("dialog", { name: "Ajouter un client" });
    const lookup = dialog.getByLabel("SIREN, SIRET ou raison sociale");
    await expect.poll(() => lookup.evaluate((input) => input === document.activeElement)).toBe(true);
    await lookup.fill("boulangerie");
    await dialog.getByRole("alert").getByText("Le serveur est injoignable.").waitFor({ timeout: 20_000 });
    expect(await dialog.getByText("Recherche au registre…").count()).toBe(0);
    await page.unroute("**/api/v1/companies/search**");
    await dialog.getByRole("button", { name: "Fermer" }).click();
  });

  it("recovers by itself after a server outage, and the header tells the truth meanwhile", async () => {
    await page.goto(`${baseUrl}/clients`);
    await page.getByTestId("clients-table").waitFor();
    await page.route("**/api/v1/**", (route) => route.abort("connectionrefused"));
    await page.getByLabel("Statut").selectOption({ label: "Actif" });
    await page.getByRole("alert").getByText("Le serveur est injoignable.").waitFor({ timeout: 20_000 });
    await page.getByTestId("service-status").getByText("Service injoignable", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Réessayer" }).first().waitFor();

    // The server is back: no click, no reload.
    await page.unroute("**/api/v1/**");
    await page.getByTestId("service-status").getByText("Service en ligne").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole("alert").count(), { timeout: 30_000 }).toBe(0);
  });

  it("keeps the filters of « Documents clients » in the address", async () => {
    await page.goto(`${baseUrl}/documents`);
    await page.getByLabel("Type", { exact: true }).selectOption("invoice");
    await page.waitForURL(/type=invoice/);
    await page.reload();
    expect(await page.getByLabel("Type", { exact: true }).inputValue()).toBe("invoice");
  });

  it("says « Client introuvable » for an address that is no client", async () => {
    await page.goto(`${baseUrl}/clients/pas-un-uuid`);
    await page.getByRole("heading", { level: 1, name: "Client introuvable" }).waitFor();
    expect(await page.getByText("Corrigez les champs signalés").count()).toBe(0);
  });

  it("explains on the QR page that a revoked session has ended", async () => {
    const sessionId = await page.evaluate(async () => {
      const me = (await (await fetch("/api/v1/me")).json()) as { session_id: string };
      return me.session_id;
    });
    const revoked = await page.evaluate(async (id) => {
      const csrf = /(?:^|; )comptoir_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? "";
      return (await fetch(`/api/v1/me/sessions/${id}`, { method: "DELETE", headers: { "X-CSRF-Token": decodeURIComponent(csrf) } })).status;
    }, sessionId);
    expect(revoked).toBe(204);
    await page.goto(`${baseUrl}/clients`);
    await page.waitForURL(/\/connexion/);
    await page.getByTestId("session-ended").getByText("Votre session a pris fin.").waitFor();
  });
});
