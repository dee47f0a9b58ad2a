import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { CliCompanion, readQrUrl } from "./companion";
import { waitForEnrollmentLink } from "./mailbox";

// A client company's own space, against the real API. The firm's owner adds a client and
// invites it with « Inviter », then « Relancer » (a new link); the client's contact enrolls
// their phone's browser with that link, signs in on a computer by approving the QR code from
// the phone, works with the shared folders, and deposits a photo from the phone.
const baseUrl = inject("baseUrl");
const FACTURX = resolve(import.meta.dirname, "..", "..", "..", "shared", "data", "einvoices", "facturx", "CII_example1_facturx.pdf");
const BAKERY = { siren: "698716891", name: "BOULANGERIE LEROY" };
const CONTACT = { firstName: "Lucie", lastName: "Leroy", email: "lucie@boulangerie-leroy.example" };
const PHONE_USER_AGENT =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";
// The smallest PNG (1×1 pixel): what the phone's camera hands the page, as far as the API sniffs.
const PHOTO = {
  name: "ticket-boulangerie.png",
  mimeType: "image/png",
  buffer: Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  ),
};

let browser: Browser;
let firm: BrowserContext;
let computer: BrowserContext;
let phone: BrowserContext;
let firmPage: Page;
let page: Page;
let phonePage: Page;
let activationLink = "";

beforeAll(async () => {
  browser = await launchChromium();
  const owner = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").company);
  const desktop = { locale: "fr-FR", timezoneId: "Europe/Paris", viewport: { width: 1366, height: 900 } };
  firm = await browser.newContext(desktop);
  computer = await browser.newContext(desktop);
  phone = await browser.newContext({
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    userAgent: PHONE_USER_AGENT,
  });
  firmPage = await firm.newPage();
  page = await computer.newPage();
  phonePage = await phone.newPage();
  await owner.logIn(firmPage, baseUrl);
});

afterAll(async () => {
  await browser?.close();
});

async function expectAccessible(target: Page) {
  expect(await seriousAccessibilityViolations(target)).toEqual([]);
}

/** The latest activation link mailed to the contact, once it differs from `previous`. */
async function nextActivationLink(previous: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const link = await waitForEnrollmentLink(CONTACT.email);
    if (link !== previous) return link;
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error("no new activation link was mailed");
}

const clientRow = () => firmPage.getByTestId("clients-table").getByRole("row").filter({ hasText: BAKERY.name });
const folders = () => page.getByTestId("folders");
const folderButton = (name: string) => folders().getByRole("button", { name, exact: true });
const documentsTable = () => page.getByTestId("documents-table");

describe("a client company's own space", () => {
  it("invites the client with « Inviter », then « Relancer » mails a new link", async () => {
    await firmPage.goto(`${baseUrl}/clients`);
    await firmPage.getByRole("button", { name: "Ajouter un client" }).click();
    const add = firmPage.getByRole("dialog", { name: "Ajouter un client" });
    await add.getByLabel("SIREN, SIRET ou raison sociale").fill(BAKERY.siren);
    await add.getByRole("radio", { name: new RegExp(BAKERY.name) }).check();
    await add.getByLabel("Prénom").fill(CONTACT.firstName);
    await add.getByLabel("Nom", { exact: true }).fill(CONTACT.lastName);
    await add.getByLabel("Adresse e-mail").fill(CONTACT.email);
    await add.getByRole("button", { name: "Ajouter le client" }).click();
    await clientRow().waitFor();

    await firmPage.getByLabel(`Sélectionner ${BAKERY.name}`).check();
    const bar = firmPage.getByRole("region", { name: "Actions groupées" });
    await bar.getByRole("button", { name: "Inviter", exact: true }).click();
    const invite = firmPage.getByRole("dialog", { name: "Inviter 1 client" });
    await invite.getByRole("button", { name: "Envoyer les invitations" }).click();
    await firmPage.getByTestId("bulk-summary").getByText("1 réussi, 0 en échec.").waitFor();
    await firmPage.getByTestId("bulk-details").getByText("Invitation envoyée", { exact: false }).waitFor();
    const firstLink = await waitForEnrollmentLink(CONTACT.email);

    await firmPage.getByLabel(`Sélectionner ${BAKERY.name}`).check();
    await bar.getByRole("button", { name: "Relancer", exact: true }).click();
    const remind = firmPage.getByRole("dialog", { name: "Relancer 1 client" });
    await remind.getByText("le précédent cesse de fonctionner", { exact: false }).waitFor();
    await expectAccessible(firmPage);
    await screenshot(firmPage, "clients-bulk-remind");
    await remind.getByRole("button", { name: "Envoyer les relances" }).click();
    await firmPage.getByRole("heading", { name: "Résultat de l'action groupée : Relancer" }).waitFor();
    await firmPage.getByTestId("bulk-details").getByText("Relancé (nouveau lien)").waitFor();
    await screenshot(firmPage, "clients-bulk-remind-done");

    activationLink = await nextActivationLink(firstLink);
    // The first link died with the reminder.
    await phonePage.goto(firstLink);
    await phonePage.getByTestId("enrollment-status").waitFor();
    expect(await phonePage.getByTestId("enrollment-status").textContent()).toBe("Révoqué");
  });

  it("activates the space when the contact enrolls their phone with the new link", async () => {
    await phonePage.goto(activationLink);
    await phonePage.getByRole("heading", { name: "Enrôler un téléphone" }).waitFor();
    expect(await phonePage.getByTestId("enrollment-workspace").textContent()).toBe(BAKERY.name);
    await phonePage.getByRole("button", { name: "Enrôler ce téléphone" }).click();
    await phonePage.getByText("Ce téléphone est enrôlé.").waitFor();

    await firmPage.goto(`${baseUrl}/clients`);
    await clientRow().getByText("Actif").waitFor();
  });

  it("signs the contact in to the company's space: its documents, none of the firm's screens", async () => {
    await page.goto(`${baseUrl}/connexion`);
    await phonePage.goto(await readQrUrl(page));
    await phonePage.getByRole("button", { name: "Approuver" }).click();
    await page.waitForURL(`${baseUrl}/`);

    await page.getByRole("heading", { level: 1, name: BAKERY.name }).waitFor();
    expect(await page.getByTestId("workspace-name").textContent()).toBe(BAKERY.name);
    expect(await page.getByTestId("workspace-kind").textContent()).toBe("Espace entreprise");
    const navigation = page.getByRole("navigation", { name: "Navigation principale" });
    expect(await navigation.getByRole("link").allTextContents()).toEqual(["Documents", "Factures reçues", "Factures émises", "État du service"]);
    expect(await page.getByRole("button", { name: "Gérer l'espace de travail" }).count()).toBe(0);
    await screenshot(page, "company-home");
    await expectAccessible(page);

    for (const firmOnly of ["/clients", "/utilisateurs", "/extensions", "/journal"]) {
      await page.goto(`${baseUrl}${firmOnly}`);
      await page.getByRole("heading", { level: 1, name: "Accès refusé" }).waitFor();
    }
  });

  it("deposits a first document, then organises the shared folders", async () => {
    await page.goto(`${baseUrl}/documents`);
    await page.getByRole("heading", { level: 1, name: "Documents" }).waitFor();
    await page.getByText("Aucun document pour le moment.").waitFor();
    // The shared space is there before any deposit.
    await folders().getByRole("button", { name: "Nouveau dossier" }).waitFor();

    // No client to choose: the space has one.
    await page.getByRole("button", { name: "Déposer un document" }).click();
    let upload = page.getByRole("dialog", { name: "Déposer un document" });
    expect(await upload.getByLabel("Client").count()).toBe(0);
    await upload.getByLabel("Type de document").selectOption("invoice");
    await upload.getByLabel("Fichier").setInputFiles(FACTURX);
    await upload.getByRole("button", { name: "Déposer", exact: true }).click();
    await page.getByRole("status").getByText("a été déposé", { exact: false }).waitFor();
    await documentsTable().getByRole("row").filter({ hasText: "12115118" }).waitFor();
    expect(await documentsTable().getByRole("columnheader").allTextContents()).not.toContain("Client");

    // Create, then rename.
    await folderButton("Tous les documents").waitFor();
    await folders().getByRole("button", { name: "Nouveau dossier" }).click();
    let dialog = page.getByRole("dialog", { name: "Nouveau dossier" });
    await dialog.getByLabel("Nom du dossier").fill("Contrats");
    await dialog.getByRole("button", { name: "Créer le dossier" }).click();
    await page.getByText("Le dossier « Contrats » a été créé.").waitFor();
    expect(await folderButton("Contrats").getAttribute("aria-pressed")).toBe("true");
    await page.getByText("Aucun document ne correspond à ces filtres.").waitFor();

    await folders().getByRole("button", { name: "Renommer" }).click();
    dialog = page.getByRole("dialog", { name: "Renommer « Contrats »" });
    await dialog.getByLabel("Nom du dossier").fill("Contrats signés");
    await dialog.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("Le dossier a été renommé « Contrats signés ».").waitFor();

    // A sub-folder, created inside the selected one, and a photo deposited into it.
    await folders().getByRole("button", { name: "Nouveau dossier" }).click();
    dialog = page.getByRole("dialog", { name: "Nouveau dossier" });
    expect(await dialog.getByLabel("Dans le dossier").inputValue()).not.toBe("");
    await dialog.getByLabel("Nom du dossier").fill("2026");
    await dialog.getByRole("button", { name: "Créer le dossier" }).click();
    await page.getByText("Le dossier « 2026 » a été créé.").waitFor();
    await folders().getByText("Dossier sélectionné : Contrats signés / 2026").waitFor();

    await page.getByRole("button", { name: "Déposer un document" }).click();
    upload = page.getByRole("dialog", { name: "Déposer un document" });
    expect(await upload.getByLabel("Dossier").locator("option:checked").textContent()).toContain("2026");
    await upload.getByLabel("Type de document").selectOption("shared");
    await upload.getByLabel("Date du document (facultatif)").fill("15/01/2026");
    await upload.getByLabel("Fichier").setInputFiles(PHOTO);
    await expectAccessible(page);
    await screenshot(page, "company-upload-into-folder");
    await upload.getByRole("button", { name: "Déposer", exact: true }).click();
    const photoRow = documentsTable().getByRole("row").filter({ hasText: PHOTO.name });
    await photoRow.waitFor();
    expect(await photoRow.textContent()).toContain("Contrats signés / 2026");
    expect(await photoRow.textContent()).toContain("15/01/2026");
    expect(await documentsTable().locator("tbody tr").count()).toBe(1);
    await screenshot(page, "company-documents");
    await expectAccessible(page);

    // Not empty: the API's 409, in French, inside the confirmation.
    await folderButton("Contrats signés").click();
    await folders().getByRole("button", { name: "Supprimer" }).click();
    const confirm = page.getByRole("dialog", { name: "Supprimer ce dossier ?" });
    await confirm.getByRole("button", { name: "Supprimer" }).click();
    await confirm.getByRole("alert").getByText("Le dossier n'est pas vide").waitFor();
    await confirm.getByText("Déplacez ou supprimez d'abord son contenu.").waitFor();
    await screenshot(page, "company-folder-not-empty");
    await expectAccessible(page);
    await confirm.getByRole("button", { name: "Annuler" }).click();

    // Moved to the top level, « 2026 » leaves « Contrats signés » empty; then it can go.
    await folderButton("2026").click();
    await folders().getByRole("button", { name: "Déplacer" }).click();
    dialog = page.getByRole("dialog", { name: "Déplacer « 2026 »" });
    expect(await dialog.getByLabel("Nouvel emplacement").locator("option").allTextContents()).not.toContain("2026");
    await dialog.getByLabel("Nouvel emplacement").selectOption({ label: "À la racine" });
    await dialog.getByRole("button", { name: "Déplacer" }).click();
    await page.getByText("Le dossier « 2026 » a été déplacé.").waitFor();
    await folders().getByText("Dossier sélectionné : 2026", { exact: true }).waitFor();

    await folderButton("Contrats signés").click();
    await folders().getByRole("button", { name: "Supprimer" }).click();
    await confirm.getByRole("button", { name: "Supprimer" }).click();
    await page.getByText("Le dossier « Contrats signés » a été supprimé.").waitFor();
    // The folder tree is read again after the message: wait for it rather than read at once.
    await expect.poll(() => folderButton("Contrats signés").count()).toBe(0);
    await expect.poll(() => folderButton("Tous les documents").getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => documentsTable().locator("tbody tr").count()).toBe(2);
  });

  it("deposits a photo from the phone, which the space lists as sent from the mobile app", async () => {
    await phonePage.goto(`${baseUrl}/mobile/deposer`);
    await phonePage.getByRole("heading", { level: 1, name: "Déposer un document" }).waitFor();
    await phonePage.getByText(`il arrive dans l'espace « ${BAKERY.name} »`, { exact: false }).waitFor();
    expect(await phonePage.getByLabel("Client").count()).toBe(0);
    const camera = phonePage.getByTestId("mobile-upload-camera");
    expect(await camera.getAttribute("accept")).toBe("image/*,application/pdf");
    expect(await camera.getAttribute("capture")).not.toBeNull();
    await phonePage.getByLabel("Type de document").selectOption("invoice");
    await camera.setInputFiles({ ...PHOTO, name: "photo-facture.png" });
    await phonePage.getByText("Fichier choisi : photo-facture.png", { exact: false }).waitFor();
    await screenshot(phonePage, "phone-upload");
    await expectAccessible(phonePage);

    await phonePage.getByRole("button", { name: "Envoyer" }).click();
    await phonePage.getByRole("status").getByText("« photo-facture.png » a été déposé.").waitFor();
    const result = phonePage.getByTestId("mobile-upload-result");
    expect(await result.textContent()).toContain("Facture");
    await screenshot(phonePage, "phone-upload-done");
    await expectAccessible(phonePage);
    await phonePage.getByRole("button", { name: "Déposer un autre document" }).click();
    await phonePage.getByRole("button", { name: "Envoyer" }).waitFor();

    await page.goto(`${baseUrl}/documents`);
    const row = documentsTable().getByRole("row").filter({ hasText: "photo-facture.png" });
    await row.getByRole("button", { name: /^Ouvrir/ }).click();
    const opened = page.getByRole("dialog", { name: "photo-facture.png" });
    await opened.getByText("Application mobile").waitFor();
    // Filed from the dialog in the space's own « 2026 » folder.
    await opened.getByLabel("Dossier", { exact: true }).selectOption({ label: "2026" });
    await opened.getByRole("button", { name: "Déplacer" }).click();
    await opened.getByRole("status").getByText("« photo-facture.png » a été classé dans « 2026 ».").waitFor();
    await screenshot(page, "company-file-in-folder");
    await expectAccessible(page);
    await opened.getByRole("button", { name: "Fermer" }).click();
    await row.getByRole("cell", { name: "2026", exact: true }).waitFor();
  });
});
