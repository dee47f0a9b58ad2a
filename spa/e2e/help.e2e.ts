import { describe, expect, inject, it } from "vitest";
import { screenshot, seriousAccessibilityViolations, signedInOwner } from "./browser";
import { E2E_FIRMS } from "./firms";
import { header, waitForMail } from "./mailbox";

// « Assistance » against the real API, as the owner of a firm without clients yet: the panel
// on the clients list, the search, an article, the import tour to its end, a support request.
const baseUrl = inject("baseUrl");
const FIRM = E2E_FIRMS.help;
// The e2e's server settings (global-setup.ts): the default support address and sender.
const SUPPORT = "support@comptoir.localhost";
const NO_REPLY = "ne-pas-repondre@comptoir.localhost";

const owner = signedInOwner("help", { viewport: { width: 1366, height: 900 } });

const panel = () => owner.page.getByRole("dialog", { name: "Assistance" });
const tour = () => owner.page.getByTestId("help-tour");

describe("help centre", () => {
  it("opens « Assistance » on the clients list, finds « importer », opens the article, accessible", async () => {
    await owner.page.goto(`${baseUrl}/clients`);
    await owner.page.getByRole("heading", { level: 1, name: "Clients" }).waitFor();
    const launcher = owner.page.getByRole("button", { name: /Assistance/ });
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
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
    await screenshot(owner.page, "help-panel-search");

    await result.click();
    await owner.page.waitForURL(`${baseUrl}/aide/importer-des-clients`);
    const article = owner.page.getByTestId("help-article");
    await article.getByRole("heading", { level: 1, name: "Importer des clients depuis Excel" }).waitFor();
    await article.getByRole("navigation", { name: "Articles liés" }).getByRole("link").first().waitFor();
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
    await screenshot(owner.page, "help-article");

    // « Cet article vous a-t-il aidé ? » is stored for this user.
    await article.getByRole("button", { name: "Oui" }).click();
    await article.getByText("Merci pour votre réponse.").waitFor();
    await owner.page.reload();
    const yes = owner.page.getByTestId("help-article").getByRole("button", { name: "Oui" });
    await yes.waitFor();
    await expect.poll(() => yes.getAttribute("aria-pressed")).toBe("true");

    // Printable: the print stylesheet keeps the text, drops the buttons and navigation.
    await owner.page.emulateMedia({ media: "print" });
    expect(await owner.page.getByRole("button", { name: "Imprimer" }).isVisible()).toBe(false);
    expect(await owner.page.getByRole("heading", { level: 1 }).isVisible()).toBe(true);
  });

  it("runs the import tour to its end with the keyboard, and remembers it", async () => {
    await owner.page.goto(`${baseUrl}/clients`);
    // The empty list offers the tour.
    await owner.page.getByRole("link", { name: "Visite guidée : importer vos clients" }).click();
    await tour().waitFor();
    await tour().getByRole("heading", { name: "Le point de départ" }).waitFor();
    await expect.poll(() => owner.page.locator(".help-tour-target").textContent()).toBe("Importer depuis Excel");
    // The step has the focus: Tab reaches « Suivant » (« Précédent » is disabled), Enter goes on.
    expect(await owner.page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("help-tour");
    await owner.page.keyboard.press("Tab");
    await owner.page.keyboard.press("Enter");
    await owner.page.waitForURL(`${baseUrl}/clients/import`);
    await tour().getByRole("heading", { name: "1. Le modèle" }).waitFor();
    await expect.poll(() => owner.page.locator(".help-tour-target").textContent()).toBe("Télécharger le modèle Excel");
    await screenshot(owner.page, "help-tour-import");
    for (const title of ["2. Le fichier", "L'analyse", "La confirmation"]) {
      await tour().getByRole("button", { name: "Suivant" }).click();
      await tour().getByRole("heading", { name: title }).waitFor();
    }
    await tour().getByRole("button", { name: "Terminer" }).click();
    await owner.page.getByText("Visite « Importer des clients depuis Excel » terminée.").waitFor();
    await owner.page.keyboard.press("Escape");
    await owner.page.getByRole("dialog", { name: /terminée/ }).waitFor({ state: "detached" });

    // The panel now says the tour is done (progress kept by the API for this user).
    await owner.page.getByRole("button", { name: /Assistance/ }).click();
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
    await owner.page.goto(`${baseUrl}/documents`);
    await owner.page.getByRole("link", { name: "Visite guidée : déposer et classer un document" }).click();
    await tour().getByRole("heading", { name: "Les documents", exact: true }).waitFor();
    await owner.page.keyboard.press("Escape");
    await tour().waitFor({ state: "detached" });

    for (const played of index.tours) {
      await owner.page.goto(`${baseUrl}/?visite=${played.id}`);
      for (const [position, step] of played.steps.entries()) {
        await tour().getByRole("heading", { name: step.title, exact: true }).waitFor();
        if (step.route) await owner.page.waitForURL(`${baseUrl}${step.route}`);
        if (step.target) {
          await expect
            .poll(() => owner.page.locator(".help-tour-target").first().textContent(), { timeout: 5_000 })
            .toMatch(new RegExp(`^\\s*${step.target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "i"));
        }
        const last = position === played.steps.length - 1;
        await tour().getByRole("button", { name: last ? "Terminer" : "Suivant" }).click();
      }
      await owner.page.getByText(`Visite « ${played.title} » terminée.`).waitFor();
    }
  });

  it("sends a support request with its context; both mails reach the SMTP server", async () => {
    await owner.page.goto(`${baseUrl}/clients`);
    await owner.page.getByRole("button", { name: /Assistance/ }).click();
    await panel().getByLabel("Objet").fill("Import impossible");
    await panel().getByLabel("Votre message").fill("Le rapport d'import reste vide après l'analyse.");
    await panel().getByRole("button", { name: "Envoyer la demande" }).click();
    const sent = panel().getByText(/Demande AS-[A-Z0-9]{6} envoyée/);
    await sent.waitFor();
    const reference = /AS-[A-Z0-9]{6}/.exec((await sent.textContent()) ?? "")?.[0] ?? "";
    expect(reference).not.toBe("");

    // To the support team: the request with its context; « Répondre » answers the person.
    const toSupport = await waitForMail(SUPPORT, (mail) => mail.text.includes(reference));
    expect(toSupport.recipients).toEqual([SUPPORT]);
    expect(header(toSupport, "Subject")).toBe(`[${reference}] Import impossible`);
    expect(header(toSupport, "From")).toContain(`<${NO_REPLY}>`);
    expect(header(toSupport, "Reply-To")).toBe(
      `${FIRM.ownerFirstName} ${FIRM.ownerLastName} <${FIRM.ownerEmail}>`,
    );
    expect(header(toSupport, "Message-ID")).toMatch(/^<comptoir\.[^@]+@comptoir\.localhost>$/);
    expect(header(toSupport, "Content-Type")).toMatch(/^multipart\/alternative/);
    for (const line of [
      "Nouvelle demande de support.",
      `Référence : ${reference}`,
      `Espace de travail : ${FIRM.name}`,
      "Écran : /clients",
      "Navigateur : Mozilla/5.0",
      "Objet : Import impossible",
      "Le rapport d'import reste vide après l'analyse.",
    ]) {
      expect(toSupport.text).toContain(line);
    }
    expect(toSupport.text).toMatch(/Identifiant de requête : \S+/);
    expect(toSupport.html).toContain(`<td>${FIRM.name}</td>`);

    // To the person: the receipt in French with its reference; an answer goes to the support.
    const receipt = await waitForMail(FIRM.ownerEmail, (mail) => mail.text.includes(reference));
    expect(receipt.recipients).toEqual([FIRM.ownerEmail]);
    expect(header(receipt, "Subject")).toBe(`Votre demande ${reference} a bien été reçue`);
    expect(header(receipt, "Reply-To")).toBe(SUPPORT);
    expect(receipt.text).toContain(`Bonjour ${FIRM.ownerFirstName},`);
    expect(receipt.text).toContain(`Nous avons bien reçu votre demande « Import impossible » (référence ${reference}).`);
    expect(receipt.text).toContain("L'équipe support vous répondra");
    expect(receipt.html).toContain(`<a href="mailto:${SUPPORT}">`);
  });

  it("offers « Assistance » on the login page, without a session", async () => {
    const anonymous = await owner.browser.newContext({ locale: "fr-FR" });
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
