import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { CliCompanion } from "./companion";
import { waitForMailText } from "./mailbox";

// Mandates signed online, against the real API and its embedded worker: the firm sends the
// mandate to three clients from its home page (the readiness dashboard), the representative of
// one signs it on a phone-size screen with the code mailed to them, and the client becomes
// « Inscrit » without the firm touching it; the dashboard's counts move. Then the clients list,
// filtered on a funnel stage, withdraws the other two in bulk, and the client's file shows its
// mandate (stage, evidence, sealed PDF) and sends it again.
const baseUrl = inject("baseUrl");
const CLIENTS = [
  { siren: "610869075", name: "GARAGE CHEVALIER ET FRÈRES", email: "elodie@garage-chevalier.example" },
  { siren: "624000170", name: "CRÉATION DUPONT", email: "marc@creation-dupont.example" },
  { siren: "414617811", name: "BRASSERIE HENRY", email: "anne@brasserie-henry.example" },
];
const SIGNER = CLIENTS[0]!;
const PHONE_USER_AGENT =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

let browser: Browser;
let firm: BrowserContext;
let phone: BrowserContext;
let page: Page;
let phonePage: Page;
let toSendBefore = 0;

beforeAll(async () => {
  browser = await launchChromium();
  const owner = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").mandates);
  firm = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris", viewport: { width: 1366, height: 900 } });
  phone = await browser.newContext({
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    userAgent: PHONE_USER_AGENT,
  });
  page = await firm.newPage();
  phonePage = await phone.newPage();
  await owner.logIn(page, baseUrl);
});

afterAll(async () => {
  await browser?.close();
});

const funnel = (stage: string) => page.getByTestId("readiness-funnel").locator(`[data-stage="${stage}"] strong`);
const clientRow = (name: string) => page.getByTestId("readiness-clients").getByRole("row").filter({ hasText: name });

describe("mandates signed online", () => {
  it("sends the mandate to three clients from the readiness dashboard", async () => {
    // Three clients with their contact, through the API as the clients screen would.
    await page.evaluate(async (clients) => {
      const csrf = /comptoir_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? "";
      for (const client of clients) {
        const response = await fetch("/api/v1/clients", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": decodeURIComponent(csrf) },
          body: JSON.stringify({
            identifier: client.siren,
            contact_first_name: "Contact",
            contact_last_name: client.name,
            contact_email: client.email,
          }),
        });
        if (response.status !== 201) throw new Error(await response.text());
      }
    }, CLIENTS);
    await page.goto(`${baseUrl}/`);
    await page.getByRole("heading", { level: 2, name: "Préparation à la facturation électronique" }).waitFor();
    await clientRow(SIGNER.name).waitFor();
    toSendBefore = Number(await funnel("to_send").textContent());
    expect(await funnel("sent").textContent()).toBe("0");
    for (const client of CLIENTS) {
      await page.getByRole("checkbox", { name: `Sélectionner ${client.name}` }).check();
    }
    await page.getByRole("button", { name: "Envoyer le mandat à signer" }).click();
    await page.getByRole("status").filter({ hasText: "3 client(s) traité(s)." }).waitFor();
    await expect.poll(async () => funnel("sent").textContent()).toBe("3");
    expect(Number(await funnel("to_send").textContent())).toBe(toSendBefore - 3);
    expect(await clientRow(CLIENTS[1]!.name).getByTestId("stage").textContent()).toBe("Envoyé");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "mandates-dashboard-sent");
  });

  it("the representative signs on a phone with the code mailed to them", async () => {
    const link = await waitForMailText(SIGNER.email, /(\S+\/mandat#[\w-]+)/);
    expect(link.startsWith(`${baseUrl}/mandat#cpt_sig_`)).toBe(true);
    await phonePage.goto(link);
    await phonePage.getByRole("heading", { level: 1, name: "Signature du mandat de facturation électronique" }).waitFor();
    await phonePage.getByText(`inscrire « ${SIGNER.name} »`, { exact: false }).waitFor();
    await phonePage.getByRole("link", { name: "Ouvrir le mandat (PDF)" }).waitFor();
    expect(await seriousAccessibilityViolations(phonePage)).toEqual([]);
    // Nothing is wider than the phone's screen.
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await phonePage.getByLabel("Votre nom et prénom").fill("Élodie Chevalier");
    const consent = phonePage.getByRole("checkbox", { name: /J.ai lu l.intégralité du mandat/ });
    await consent.scrollIntoViewIfNeeded();
    await consent.check();
    await phonePage.getByRole("button", { name: "Recevoir le code par e-mail" }).tap();
    await phonePage.getByRole("status").filter({ hasText: `envoyé à ${SIGNER.email}` }).waitFor();
    await screenshot(phonePage, "mandates-signing-phone");
    const code = await waitForMailText(SIGNER.email, /^\s+(\d{6})\s*$/m);
    await phonePage.getByLabel("Code reçu par e-mail").fill(code === "000000" ? "111111" : "000000");
    await phonePage.getByRole("button", { name: "Signer le mandat" }).tap();
    await phonePage.getByRole("alert").filter({ hasText: "encore 4 essais" }).waitFor();
    await phonePage.getByLabel("Code reçu par e-mail").fill(code);
    await phonePage.getByRole("button", { name: "Signer le mandat" }).tap();
    await phonePage.getByRole("heading", { name: "Mandat signé" }).waitFor();
    await screenshot(phonePage, "mandates-signed-phone");

    // Single use: the same link now says it is spent.
    await phonePage.reload();
    await phonePage.getByRole("alert").filter({ hasText: "déjà signé" }).waitFor();
  });

  it("the client becomes « Inscrit » without the firm touching it, and the counts move", async () => {
    await expect
      .poll(
        async () => {
          await page.reload();
          await clientRow(SIGNER.name).waitFor();
          return clientRow(SIGNER.name).getByTestId("stage").textContent();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe("Inscrit");
    expect(await funnel("sent").textContent()).toBe("2");
    expect(await funnel("registered").textContent()).toBe("1");
    await screenshot(page, "mandates-dashboard-registered");
  });

  it("the clients list filtered on « Envoyé » withdraws the requests in bulk, one result per client", async () => {
    const table = page.getByRole("table");
    // Without the « Mandat » filter, the bulk bar has no mandate action.
    await page.goto(`${baseUrl}/clients`);
    await table.getByRole("link", { name: CLIENTS[1]!.name }).waitFor();
    await page.getByRole("checkbox", { name: `Sélectionner ${CLIENTS[1]!.name}` }).check();
    const bar = page.getByRole("region", { name: "Actions groupées" });
    await bar.waitFor();
    expect(await bar.getByRole("button", { name: "Retirer la demande de mandat" }).count()).toBe(0);

    await page.goto(`${baseUrl}/clients?mandat=sent`);
    await table.getByRole("link", { name: CLIENTS[2]!.name }).waitFor();
    expect(await table.getByRole("link", { name: SIGNER.name }).count()).toBe(0);
    await page.getByRole("checkbox", { name: "Sélectionner tous les clients affichés" }).check();
    await bar.getByRole("button", { name: "Retirer la demande de mandat" }).click();
    const dialog = page.getByRole("dialog", { name: "Retirer la demande de mandat de 2 client(s)" });
    await dialog.getByRole("button", { name: "Retirer" }).click();
    const result = page.getByRole("status").filter({ hasText: "Résultat de l'action groupée" });
    await result.getByText("2 réussis, 0 en échec.").waitFor();
    expect(await result.getByTestId("bulk-details").textContent()).toContain("Demande retirée");
    await screenshot(page, "mandates-clients-bulk-withdrawn");
    await page.goto(`${baseUrl}/clients?mandat=sent`);
    await page.getByText("Aucun client ne correspond à cette recherche.").waitFor();
  });

  it("the client's file shows its mandate: stage, evidence, sealed PDF, and sends it again", async () => {
    await page.goto(`${baseUrl}/clients`);
    await page.getByRole("table").getByRole("link", { name: SIGNER.name }).click();
    await page.getByRole("heading", { level: 1, name: SIGNER.name }).waitFor();
    await page.getByRole("navigation", { name: "Fiche client" }).getByRole("link", { name: "Mandat" }).click();
    const panel = page.getByTestId("mandate-panel");
    await panel.getByTestId("mandate-stage").filter({ hasText: "Inscrit" }).waitFor();
    const evidence = panel.getByTestId("mandate-evidence");
    await evidence.getByText("Élodie Chevalier").waitFor();
    expect(await evidence.textContent()).toContain("Code à usage unique envoyé par e-mail");
    expect(await panel.getByRole("button", { name: "Renvoyer" }).count()).toBe(0);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      panel.getByRole("button", { name: "Télécharger le mandat scellé (PDF)" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`mandat-${SIGNER.siren}-signe.pdf`);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "mandates-client-panel-signed");

    // A withdrawn client: « À envoyer », sent again from its file.
    await page.goto(`${baseUrl}/clients`);
    await page.getByRole("table").getByRole("link", { name: CLIENTS[1]!.name }).click();
    await page.getByRole("navigation", { name: "Fiche client" }).getByRole("link", { name: "Mandat" }).click();
    await panel.getByTestId("mandate-stage").filter({ hasText: "À envoyer" }).waitFor();
    await panel.getByRole("button", { name: "Envoyer le mandat à signer" }).click();
    await panel.getByRole("status").filter({ hasText: "Mandat envoyé" }).waitFor();
    await panel.getByTestId("mandate-stage").filter({ hasText: "Envoyé" }).waitFor();
    await panel.getByRole("button", { name: "Renvoyer" }).waitFor();
  });
});
