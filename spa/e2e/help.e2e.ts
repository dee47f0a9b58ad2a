import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { launchChromium, SCREENSHOTS, screenshot, seriousAccessibilityViolations } from "./browser";
import { CliCompanion } from "./companion";
import { E2E_FIRMS } from "./firms";

// « Assistance » against the real API, as the owner of a firm without clients yet: the panel
// on the clients list, the search, an article, the import tour to its end, a support request.
const baseUrl = inject("baseUrl");
const OWNER = E2E_FIRMS.help.ownerEmail;

let browser: Browser;
let signedIn: Awaited<ReturnType<BrowserContext["storageState"]>>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  const companion = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").help);
  const loginContext = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
  await companion.logIn(await loginContext.newPage(), baseUrl);
  signedIn = await loginContext.storageState();
  await loginContext.close();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  context = await browser.newContext({
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    storageState: signedIn,
    viewport: { width: 1366, height: 900 },
  });
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

const panel = () => page.getByRole("dialog", { name: "Assistance" });
const tour = () => page.getByTestId("help-tour");

/** The mails `comptoir run` wrote to its log (COMPTOIR_MAIL_TRANSPORT=log), to `address`. */
async function mailsTo(address: string, containing: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = readFileSync(resolve(SCREENSHOTS, "comptoir-run.log"), "utf8");
    const mail = log
      .split("Courriel (non envoyé")
      .find((text) => text.includes(` à ${address} `) && text.includes(containing));
    if (mail) return mail;
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`no mail to ${address} containing ${containing}`);
}

describe("help centre", () => {
  it("opens « Assistance » on the clients list, finds « importer », opens the article, accessible", async () => {
    await page.goto(`${baseUrl}/clients`);
    await page.getByRole("heading", { level: 1, name: "Clients" }).waitFor();
    const launcher = page.getByRole("button", { name: /Assistance/ });
    await launcher.click();
    await panel().waitFor();
    expect(await launcher.getAttribute("aria-expanded")).toBe("true");
    // This screen's articles and tours, and the support contact from the configuration.
    await panel().getByRole("heading", { name: "Pour cet écran" }).waitFor();
    await panel().getByRole("link", { name: "Ajouter un client" }).waitFor();
    await panel().getByRole("link", { name: "support@comptoir.localhost" }).waitFor();

    await panel().getByLabel("Rechercher dans l'aide").fill("importer");
    const result = panel().getByRole("link", { name: "Importer des clients depuis Excel" });
    await result.waitFor();
    expect(await panel().locator("mark").first().textContent()).toMatch(/^import/i);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "help-panel-search");

    await result.click();
    await page.waitForURL(`${baseUrl}/aide/importer-des-clients`);
    const article = page.getByTestId("help-article");
    await article.getByRole("heading", { level: 1, name: "Importer des clients depuis Excel" }).waitFor();
    await article.getByRole("navigation", { name: "Articles liés" }).getByRole("link").first().waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "help-article");

    // « Cet article vous a-t-il aidé ? » is stored for this user.
    await article.getByRole("button", { name: "Oui" }).click();
    await article.getByText("Merci pour votre réponse.").waitFor();
    await page.reload();
    const yes = page.getByTestId("help-article").getByRole("button", { name: "Oui" });
    await yes.waitFor();
    await expect.poll(() => yes.getAttribute("aria-pressed")).toBe("true");

    // Printable: the print stylesheet keeps the text, drops the buttons and navigation.
    await page.emulateMedia({ media: "print" });
    expect(await page.getByRole("button", { name: "Imprimer" }).isVisible()).toBe(false);
    expect(await page.getByRole("heading", { level: 1 }).isVisible()).toBe(true);
  });

  it("runs the import tour to its end with the keyboard, and remembers it", async () => {
    await page.goto(`${baseUrl}/clients`);
    // The empty list offers the tour.
    await page.getByRole("link", { name: "Visite guidée : importer vos clients" }).click();
    await tour().waitFor();
    await tour().getByRole("heading", { name: "Le point de départ" }).waitFor();
    await expect.poll(() => page.locator(".help-tour-target").textContent()).toBe("Importer depuis Excel");
    // The step has the focus: Tab reaches « Suivant » (« Précédent » is disabled), Enter goes on.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("help-tour");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${baseUrl}/clients/import`);
    await tour().getByRole("heading", { name: "1. Le modèle" }).waitFor();
    await expect.poll(() => page.locator(".help-tour-target").textContent()).toBe("Télécharger le modèle Excel");
    await screenshot(page, "help-tour-import");
    for (const title of ["2. Le fichier", "L'analyse", "La confirmation"]) {
      await tour().getByRole("button", { name: "Suivant" }).click();
      await tour().getByRole("heading", { name: title }).waitFor();
    }
    await tour().getByRole("button", { name: "Terminer" }).click();
    await page.getByText("Visite « Importer des clients depuis Excel » terminée.").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: /terminée/ }).waitFor({ state: "detached" });

    // The panel now says the tour is done (progress kept by the API for this user).
    await page.getByRole("button", { name: /Assistance/ }).click();
    const item = panel().getByRole("listitem").filter({ hasText: "Importer des clients depuis Excel" });
    await item.getByText("Terminée").waitFor();
    await item.getByRole("button", { name: /Refaire la visite/ }).waitFor();
  });

  it("plays every guided tour over the real screens: each step's target is found and outlined", async () => {
    const index = (await (await fetch(`${baseUrl}/api/v1/help`)).json()) as {
      tours: { id: string; title: string; steps: { title: string; route: string | null; target: string | null }[] }[];
    };
    expect(index.tours.map((candidate) => candidate.id).sort()).toEqual([
      "activate-einvoicing",
      "file-document",
      "import-clients",
      "invite-collaborator",
    ]);
    // The empty documents list offers its tour too; Escape leaves it.
    await page.goto(`${baseUrl}/documents`);
    await page.getByRole("link", { name: "Visite guidée : déposer et classer un document" }).click();
    await tour().getByRole("heading", { name: "Les documents", exact: true }).waitFor();
    await page.keyboard.press("Escape");
    await tour().waitFor({ state: "detached" });

    for (const played of index.tours) {
      await page.goto(`${baseUrl}/?visite=${played.id}`);
      for (const [position, step] of played.steps.entries()) {
        await tour().getByRole("heading", { name: step.title, exact: true }).waitFor();
        if (step.route) await page.waitForURL(`${baseUrl}${step.route}`);
        if (step.target) {
          await expect
            .poll(() => page.locator(".help-tour-target").first().textContent(), { timeout: 5_000 })
            .toMatch(new RegExp(`^\\s*${step.target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "i"));
        }
        const last = position === played.steps.length - 1;
        await tour().getByRole("button", { name: last ? "Terminer" : "Suivant" }).click();
      }
      await page.getByText(`Visite « ${played.title} » terminée.`).waitFor();
    }
  });

  it("sends a support request with its context; both mails leave through the outbox", async () => {
    await page.goto(`${baseUrl}/clients`);
    await page.getByRole("button", { name: /Assistance/ }).click();
    await panel().getByLabel("Objet").fill("Import impossible");
    await panel().getByLabel("Votre message").fill("Le rapport d'import reste vide après l'analyse.");
    await panel().getByRole("button", { name: "Envoyer la demande" }).click();
    const sent = panel().getByText(/Demande AS-[A-Z0-9]{6} envoyée/);
    await sent.waitFor();
    const reference = /AS-[A-Z0-9]{6}/.exec((await sent.textContent()) ?? "")?.[0] ?? "";
    expect(reference).not.toBe("");

    const toSupport = await mailsTo("support@comptoir.localhost", reference);
    expect(toSupport).toContain("Écran : /clients");
    expect(toSupport).toContain(`Espace de travail : ${E2E_FIRMS.help.name}`);
    expect(toSupport).toContain("Navigateur : Mozilla/5.0");
    const acknowledgement = await mailsTo(OWNER, reference);
    expect(acknowledgement).toContain(`Bonjour ${E2E_FIRMS.help.ownerFirstName},`);
  });

  it("offers « Assistance » on the login page, without a session", async () => {
    const anonymous = await browser.newContext({ locale: "fr-FR" });
    const login = await anonymous.newPage();
    await login.goto(`${baseUrl}/connexion`);
    await login.getByRole("button", { name: /Assistance/ }).click();
    const loginPanel = login.getByRole("dialog", { name: "Assistance" });
    await loginPanel.getByRole("link", { name: "Le code QR ne s'affiche pas ou a expiré" }).waitFor();
    await loginPanel.getByText("Connectez-vous pour envoyer une demande", { exact: false }).waitFor();
    // An article read without a session stays on the article (no redirect to the login page).
    await loginPanel.getByRole("link", { name: "Le code QR ne s'affiche pas ou a expiré" }).click();
    await login.getByRole("heading", { level: 1, name: "Le code QR ne s'affiche pas ou a expiré" }).waitFor();
    await login.getByText("Connectez-vous pour donner votre avis sur cet article.").waitFor();
    expect(new URL(login.url()).pathname).toBe("/aide/le-code-qr-ne-s-affiche-pas");
    await anonymous.close();
  });
});
