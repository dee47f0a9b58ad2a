import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { readQrUrl } from "./companion";
import { E2E_FIRMS } from "./firms";

// Test A: the phone is a second browser context running the mobile companion pages.
const baseUrl = inject("baseUrl");
const enrollmentLink = inject("enrollmentLinks").phone;
const firm = E2E_FIRMS.phone;
const PHONE_USER_AGENT =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";

let browser: Browser;
let computer: BrowserContext;
let phone: BrowserContext;
let computerPage: Page;
let phonePage: Page;

beforeAll(async () => {
  browser = await launchChromium();
  computer = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
  phone = await browser.newContext({
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    userAgent: PHONE_USER_AGENT,
  });
  computerPage = await computer.newPage();
  phonePage = await phone.newPage();
});

afterAll(async () => {
  await browser?.close();
});

async function expectAccessible(page: Page) {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

describe("QR login approved from a phone's browser", () => {
  it("enrolls the phone from the owner's enrollment link", async () => {
    await phonePage.goto(enrollmentLink);

    await phonePage.getByRole("heading", { name: "Enrôler un téléphone" }).waitFor();
    expect(await phonePage.getByTestId("enrollment-workspace").textContent()).toBe(firm.name);
    expect(await phonePage.getByTestId("enrollment-status").textContent()).toBe("Valide");
    await phonePage.getByText(`Bienvenue, ${firm.ownerFirstName} ${firm.ownerLastName}`).waitFor();
    await phonePage.getByRole("img", { name: /Code QR d'enrôlement/ }).waitFor();
    await screenshot(phonePage, "phone-enrollment");
    await expectAccessible(phonePage);

    await phonePage.getByRole("button", { name: "Enrôler ce téléphone" }).click();

    await phonePage.getByText("Ce téléphone est enrôlé.").waitFor();
    await phonePage.getByTestId("enrollment-status").getByText("Déjà utilisé").waitFor();
    await screenshot(phonePage, "phone-enrolled");
    await expectAccessible(phonePage);
  });

  it("sends a visitor to /connexion, with a QR code waiting and no password field", async () => {
    await computerPage.goto(`${baseUrl}/compte`);

    await computerPage.waitForURL(`${baseUrl}/connexion?retour=%2Fcompte`);
    await computerPage.getByRole("img", { name: /Code QR de connexion/ }).waitFor();
    await computerPage.getByRole("status").getByText("En attente").waitFor();
    expect(await computerPage.locator("input[type=password]").count()).toBe(0);
    await screenshot(computerPage, "login-waiting");
    await expectAccessible(computerPage);
  });

  it("shows a refusal from the phone, then a new code", async () => {
    await phonePage.goto(await readQrUrl(computerPage));
    await phonePage.getByRole("button", { name: "Refuser" }).click();

    await phonePage.getByText("Connexion refusée.").waitFor();
    await computerPage.getByText("Connexion refusée depuis le téléphone.").waitFor();
    await screenshot(computerPage, "login-denied");
    await expectAccessible(computerPage);
    await computerPage.getByRole("button", { name: "Afficher un nouveau code QR" }).click();
    await computerPage.getByRole("status").getByText("En attente").waitFor();
  });

  it("shows the match code on both screens, and the approval opens the firm's workspace", async () => {
    const qrUrl = await readQrUrl(computerPage);
    expect(qrUrl).toMatch(new RegExp(`^${baseUrl}/qr/v1/[A-Za-z0-9_-]+$`));

    await phonePage.goto(qrUrl);
    const matchCode = (await phonePage.getByTestId("match-code").textContent()) ?? "";
    expect(matchCode).toMatch(/^\d{2}$/);
    await phonePage.getByText("Adresse IP").waitFor();
    await computerPage.getByText(`Code affiché sur le téléphone : ${matchCode}`).waitFor();
    await screenshot(phonePage, "phone-approval");
    await screenshot(computerPage, "login-scanned");
    await expectAccessible(phonePage);
    await expectAccessible(computerPage);

    await phonePage.getByRole("button", { name: "Approuver" }).click();

    await phonePage.getByText("Connexion approuvée.").waitFor();
    await computerPage.waitForURL(`${baseUrl}/compte`);
    expect(await computerPage.getByTestId("workspace-name").textContent()).toBe(firm.name);
    await screenshot(phonePage, "phone-approved");
  });

  it("lands in the firm's workspace, with its name and the owner's screens", async () => {
    await computerPage.goto(`${baseUrl}/`);

    await computerPage.getByRole("heading", { level: 1, name: firm.name }).waitFor();
    expect(await computerPage.getByTestId("workspace-name").textContent()).toBe(firm.name);
    const navigation = computerPage.getByRole("navigation", { name: "Navigation principale" });
    expect(await navigation.getByRole("link").allTextContents()).toContain("Utilisateurs");
    await screenshot(computerPage, "home-firm");
    await expectAccessible(computerPage);
  });

  it("shows the account's activity on the phone", async () => {
    await phonePage.goto(`${baseUrl}/mobile/activite`);

    await phonePage.getByRole("heading", { name: "Mon activité" }).waitFor();
    await phonePage.getByText("Connexion approuvée depuis un appareil").first().waitFor();
    await phonePage.getByText("Appareil enrôlé").first().waitFor();
    await screenshot(phonePage, "phone-activity");
    await expectAccessible(phonePage);
  });

  it("offers the firm's clients when the phone deposits a document", async () => {
    await phonePage.goto(`${baseUrl}/mobile/deposer`);

    await phonePage.getByRole("heading", { level: 1, name: "Déposer un document" }).waitFor();
    await phonePage.getByText(`il arrive dans l'espace « ${firm.name} »`, { exact: false }).waitFor();
    // A firm's phone picks the client; this firm has none yet.
    await phonePage.getByLabel("Client").waitFor();
    await phonePage.getByText("Aucun client ne vous est accessible pour le moment.").waitFor();
    await phonePage.getByTestId("mobile-upload-file").setInputFiles({
      name: "releve.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
    });
    expect(await phonePage.getByRole("button", { name: "Envoyer" }).isDisabled()).toBe(true);
    await screenshot(phonePage, "phone-upload-firm");
    await expectAccessible(phonePage);
  });

  it("revokes the phone from « Mon compte » after a confirmation", async () => {
    await computerPage.goto(`${baseUrl}/compte`);
    const devices = computerPage.getByRole("region", { name: "Appareils enrôlés" });
    await devices.getByText("Téléphone (Chrome sur Android)").waitFor();

    await devices.getByRole("button", { name: "Révoquer l'appareil Téléphone (Chrome sur Android)" }).click();
    const dialog = computerPage.getByRole("dialog", { name: "Révoquer cet appareil ?" });
    await dialog.waitFor();
    await screenshot(computerPage, "account-revoke-device");
    await expectAccessible(computerPage);
    await dialog.getByRole("button", { name: "Révoquer" }).click();

    await devices.getByText("Aucun appareil enrôlé.").waitFor();
    await phonePage.reload();
    await phonePage.getByText("Appareil inconnu ou révoqué").waitFor();
  });
});
