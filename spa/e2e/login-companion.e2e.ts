import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { CliCompanion, readQrUrl } from "./companion";
import { E2E_FIRMS } from "./firms";

// Test B: the device is `comptoir device enroll` / `comptoir device approve`, reading the QR's
// URL from the login page.
const baseUrl = inject("baseUrl");
const firm = E2E_FIRMS.companion;

let browser: Browser;
let companion: CliCompanion;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  companion = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").companion);
  context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
});

describe("QR login approved with the command-line companion", () => {
  it("logs in with `comptoir device approve <qr_url>`", async () => {
    await page.goto(`${baseUrl}/connexion`);
    await page.getByRole("status").getByText("En attente").waitFor();
    await page.getByText("Pas d'appareil photo ? Utiliser le lien du code QR").click();
    const qrUrl = await readQrUrl(page);
    expect(await page.getByLabel("Lien de connexion (pour le compagnon en ligne de commande)").inputValue()).toBe(
      qrUrl,
    );
    await screenshot(page, "login-link");

    const printed = await companion.approve(qrUrl);

    expect(printed).toContain("Connexion approuvée.");
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole("heading", { level: 1, name: firm.name }).waitFor();
    expect(await page.getByTestId("workspace-name").textContent()).toBe(firm.name);
    await page.getByText(`${firm.ownerFirstName} ${firm.ownerLastName}`, { exact: true }).waitFor();
  });

  it("lists sessions, devices and activity in « Mon compte »", async () => {
    await page.getByRole("link", { name: "Mon compte" }).first().click();

    await page.getByRole("heading", { level: 1, name: "Mon compte" }).waitFor();
    const sessions = page.getByRole("region", { name: "Sessions ouvertes" });
    await sessions.getByText("Cette session", { exact: true }).waitFor();
    const devices = page.getByRole("region", { name: "Appareils enrôlés" });
    await devices.getByText("Compagnon e2e").waitFor();
    const activity = page.getByRole("region", { name: "Activité récente" });
    await activity.getByText("Connexion ouverte dans un navigateur").first().waitFor();
    // fr-FR dates: dd/mm/yyyy hh:mm.
    expect(await activity.locator("time").first().textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await screenshot(page, "account");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("closes another session after a confirmation; that browser is sent back to /connexion", async () => {
    const other = await browser.newContext({
      locale: "fr-FR",
      timezoneId: "Europe/Paris",
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0",
    });
    const otherPage = await other.newPage();
    await companion.logIn(otherPage, baseUrl);
    await page.reload();
    const sessions = page.getByRole("region", { name: "Sessions ouvertes" });
    const closeOther = sessions.getByRole("button", { name: "Fermer la session Firefox sur Windows" });

    await closeOther.click();
    const dialog = page.getByRole("dialog", { name: "Fermer cette session ?" });
    await dialog.waitFor();
    await screenshot(page, "account-close-session");
    await dialog.getByRole("button", { name: "Fermer", exact: true }).click();

    await expect.poll(() => closeOther.count()).toBe(0);
    // The closed browser's next call gets a 401, its refresh fails: the login page, which says
    // why the session ended.
    await otherPage.goto(`${baseUrl}/compte`);
    await otherPage.waitForURL(`${baseUrl}/connexion?retour=%2Fcompte&fin=session`);
    await otherPage.getByTestId("session-ended").waitFor();
    await other.close();
  });

  it("logs out", async () => {
    await page.getByRole("button", { name: "Se déconnecter" }).click();

    await page.waitForURL(`${baseUrl}/connexion`);
    await page.goto(`${baseUrl}/`);
    await page.waitForURL(`${baseUrl}/connexion`);
  });
});
