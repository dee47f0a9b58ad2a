import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { CliCompanion } from "./companion";

// « Documents clients » against the real API, as the firm's owner: a client added by SIREN, a
// Factur-X invoice of the shared samples uploaded for it, found by its invoice number, opened.
const baseUrl = inject("baseUrl");
const FACTURX = resolve(import.meta.dirname, "..", "..", "..", "shared", "data", "einvoices", "facturx", "CII_example1_facturx.pdf");
// What the embedded CII (../shared/data/einvoices/cii/CII_example1.xml) says.
const INVOICE = { number: "12115118", seller: "De Koksmaat", total: /250,33\s€/ };
const BAKERY = { siren: "698716891", name: "BOULANGERIE LEROY" };

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  const companion = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").documents);
  const context = await browser.newContext({
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    viewport: { width: 1366, height: 900 },
  });
  page = await context.newPage();
  await companion.logIn(page, baseUrl);
});

afterAll(async () => {
  await browser?.close();
});

describe("documents", () => {
  it("uploads a Factur-X invoice for a client, finds it by its number and opens it", async () => {
    // A client first, as the « Clients » screen adds one.
    await page.goto(`${baseUrl}/clients`);
    await page.getByRole("button", { name: "Ajouter un client" }).click();
    const addDialog = page.getByRole("dialog", { name: "Ajouter un client" });
    await addDialog.getByLabel("SIREN, SIRET ou raison sociale").fill(BAKERY.siren);
    await addDialog.getByRole("radio", { name: new RegExp(BAKERY.name) }).check();
    await addDialog.getByLabel("Prénom").fill("Lucie");
    await addDialog.getByLabel("Nom", { exact: true }).fill("Leroy");
    await addDialog.getByLabel("Adresse e-mail").fill("lucie@boulangerie-leroy.example");
    await addDialog.getByRole("button", { name: "Ajouter le client" }).click();
    await page.getByText(`« ${BAKERY.name} » a été ajouté à vos clients.`).waitFor();

    await page.getByRole("navigation").getByRole("link", { name: "Documents clients" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Documents clients" }).waitFor();
    await page.getByText("Aucun document pour le moment.").waitFor();

    await page.getByRole("button", { name: "Déposer un document" }).click();
    const upload = page.getByRole("dialog", { name: "Déposer un document" });
    await upload.getByLabel("Client").selectOption({ label: BAKERY.name });
    await upload.getByLabel("Type de document").selectOption("invoice");
    await upload.getByLabel("Fichier").setInputFiles(FACTURX);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await upload.getByRole("button", { name: "Déposer", exact: true }).click();
    await page.getByRole("status").getByText("a été déposé", { exact: false }).waitFor();

    const table = page.getByTestId("documents-table");
    const row = table.getByRole("row").filter({ hasText: INVOICE.number });
    await row.waitFor();
    expect(await row.getByText("Facture électronique").count()).toBe(1);
    expect(await row.getByText(BAKERY.name).count()).toBe(1);
    expect(await row.textContent()).toMatch(INVOICE.total);
    expect(await page.getByRole("list", { name: "Documents par type" }).getByRole("button", { name: /1\s*Factures/ }).count()).toBe(1);

    // The text filter: a number that matches nothing, then the invoice's own.
    const search = page.getByLabel("Rechercher", { exact: true });
    await search.fill("99999999");
    await page.getByText("Aucun document ne correspond à ces filtres.").waitFor();
    await search.fill(INVOICE.number);
    await row.waitFor();
    expect(await table.locator("tbody tr").count()).toBe(1);
    await screenshot(page, "documents-list");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await row.getByRole("button", { name: /^Ouvrir/ }).click();
    const opened = page.getByRole("dialog").filter({ has: page.getByTestId("einvoice-fields") });
    await opened.waitFor();
    const fields = opened.getByTestId("einvoice-fields");
    expect(await fields.textContent()).toContain(INVOICE.number);
    expect(await fields.textContent()).toContain(INVOICE.seller);
    await opened.getByTestId("document-preview").waitFor();
    const download = opened.getByRole("link", { name: "Télécharger" });
    expect(await download.getAttribute("href")).toMatch(/^\/api\/v1\/documents\/[0-9a-f-]+\/content$/);
    await screenshot(page, "documents-open");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await opened.getByRole("button", { name: "Fermer" }).click();

    // Deleted after a confirmation, it leaves the list.
    await row.getByRole("button", { name: /^Supprimer/ }).click();
    await page.getByRole("dialog", { name: "Supprimer ce document ?" }).getByRole("button", { name: "Supprimer" }).click();
    await page.getByText("a été supprimé", { exact: false }).waitFor();
    await page.getByText("Aucun document ne correspond à ces filtres.").waitFor();
  });

  it("organises a client's shared folders: create, rename, delete after a confirmation", async () => {
    await page.goto(`${baseUrl}/documents`);
    const folders = page.getByTestId("folders");
    await folders.getByText("Choisissez un client dans le filtre", { exact: false }).waitFor();
    await page.getByLabel("Client", { exact: true }).selectOption({ label: BAKERY.name });

    await folders.getByRole("button", { name: "Nouveau dossier" }).click();
    let dialog = page.getByRole("dialog", { name: "Nouveau dossier" });
    await dialog.getByLabel("Nom du dossier").fill("Banque");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Créer le dossier" }).click();
    await page.getByText("Le dossier « Banque » a été créé.").waitFor();

    // The same name at the same place: the API's 409, in French, inside the dialog.
    await folders.getByRole("button", { name: "Tous les documents" }).click();
    await folders.getByRole("button", { name: "Nouveau dossier" }).click();
    dialog = page.getByRole("dialog", { name: "Nouveau dossier" });
    await dialog.getByLabel("Nom du dossier").fill("Banque");
    await dialog.getByRole("button", { name: "Créer le dossier" }).click();
    await dialog.getByRole("alert").getByText("Le dossier « Banque » existe déjà à cet endroit.").waitFor();
    await dialog.getByRole("button", { name: "Annuler" }).click();

    await folders.getByRole("button", { name: "Banque", exact: true }).click();
    await folders.getByRole("button", { name: "Renommer" }).click();
    dialog = page.getByRole("dialog", { name: "Renommer « Banque »" });
    await dialog.getByLabel("Nom du dossier").fill("Relevés bancaires");
    await dialog.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("Le dossier a été renommé « Relevés bancaires ».").waitFor();
    await screenshot(page, "documents-folders");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await folders.getByRole("button", { name: "Supprimer" }).click();
    const confirm = page.getByRole("dialog", { name: "Supprimer ce dossier ?" });
    await confirm.getByText("Seul un dossier vide peut être supprimé.", { exact: false }).waitFor();
    await confirm.getByRole("button", { name: "Supprimer" }).click();
    await page.getByText("Le dossier « Relevés bancaires » a été supprimé.").waitFor();
    await folders.getByText("Aucun dossier pour le moment.").waitFor();
  });

  it("files a document in a folder from its dialog, and shows the API's refusal", async () => {
    await page.goto(`${baseUrl}/documents`);
    await page.getByLabel("Client", { exact: true }).selectOption({ label: BAKERY.name });
    const folders = page.getByTestId("folders");
    // « Achats », « 2026 » inside it (the selected folder), then « Divers » at the top.
    for (const name of ["Achats", "2026", "Divers"]) {
      if (name === "Divers") await folders.getByRole("button", { name: "Tous les documents" }).click();
      await folders.getByRole("button", { name: "Nouveau dossier" }).click();
      const dialog = page.getByRole("dialog", { name: "Nouveau dossier" });
      await dialog.getByLabel("Nom du dossier").fill(name);
      await dialog.getByRole("button", { name: "Créer le dossier" }).click();
      await page.getByText(`Le dossier « ${name} » a été créé.`).waitFor();
    }
    await folders.getByRole("button", { name: "Tous les documents" }).click();
    await page.getByRole("button", { name: "Déposer un document" }).click();
    const upload = page.getByRole("dialog", { name: "Déposer un document" });
    await upload.getByLabel("Fichier").setInputFiles({ name: "facture-achat.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
    await upload.getByRole("button", { name: "Déposer", exact: true }).click();
    const row = page.getByTestId("documents-table").getByRole("row").filter({ hasText: "facture-achat.pdf" });
    await row.getByRole("button", { name: /^Ouvrir/ }).click();

    const opened = page.getByRole("dialog", { name: "facture-achat.pdf" });
    const folder = opened.getByLabel("Dossier", { exact: true });
    await expect.poll(() => folder.locator("option").allTextContents()).toEqual(["Aucun dossier", "Achats", "Achats / 2026", "Divers"]);
    await folder.selectOption({ label: "Achats / 2026" });
    await opened.getByRole("button", { name: "Déplacer" }).click();
    await opened.getByRole("status").getByText("« facture-achat.pdf » a été classé dans « Achats / 2026 ».").waitFor();
    await screenshot(page, "documents-file-in-folder");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // « Divers » deleted meanwhile (another tab): the API's 404, in French, in the dialog.
    const divers = await folder.locator("option", { hasText: "Divers" }).getAttribute("value");
    const deleted = await page.evaluate(async (url) => {
      const csrf = /(?:^|; )comptoir_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? "";
      return (await fetch(url, { method: "DELETE", headers: { "X-CSRF-Token": decodeURIComponent(csrf) } })).status;
    }, `/api/v1/folders/${divers}`);
    expect(deleted).toBe(204);
    await folder.selectOption({ label: "Divers" });
    await opened.getByRole("button", { name: "Déplacer" }).click();
    await opened.getByRole("alert").getByText("Dossier introuvable").waitFor();
    await opened.getByRole("button", { name: "Fermer" }).click();
    await expect.poll(async () => row.textContent()).toContain("Achats / 2026");
  });

  it("reads and checks the period typed as jj/mm/aaaa", async () => {
    await page.goto(`${baseUrl}/documents`);
    const from = page.getByLabel("Période du");
    const to = page.getByLabel("au", { exact: true });
    expect(await from.getAttribute("placeholder")).toBe("jj/mm/aaaa");

    await from.fill("01/02/2026");
    await to.fill("31/01/2026");
    await page.getByText("La fin de la période précède son début.").waitFor();
    await to.fill("31/02/2026");
    await to.blur();
    await page.getByText("Date invalide : saisissez-la au format jj/mm/aaaa.").waitFor();
    await to.fill("28/02/2026");
    await expect.poll(() => page.getByText("Date invalide", { exact: false }).count()).toBe(0);
    await screenshot(page, "documents-period");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Réinitialiser" }).click();
    await expect.poll(() => from.inputValue()).toBe("");
    await expect.poll(() => to.inputValue()).toBe("");
  });
});
