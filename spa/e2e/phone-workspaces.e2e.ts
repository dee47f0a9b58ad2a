import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { readQrUrl } from "./companion";
import { E2E_FIRMS } from "./firms";

// A firm owner whose firm is also its own client works in two workspaces: the phone's pages
// let them choose which one the phone acts in, and keep that choice from one visit to the next.
const baseUrl = inject("baseUrl");
const firm = E2E_FIRMS.workspaces;
// The company space the firm gets as its own client, named as the registry names it.
const OWN_COMPANY = "CABINET BERNARD ET FILS";
const PHONE_USER_AGENT =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";

let browser: Browser;
let phonePage: Page;

beforeAll(async () => {
  browser = await launchChromium();
  const locale = { locale: "fr-FR", timezoneId: "Europe/Paris" };
  const computer = await (await browser.newContext({ ...locale, viewport: { width: 1366, height: 900 } })).newPage();
  phonePage = await (
    await browser.newContext({ ...locale, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: PHONE_USER_AGENT })
  ).newPage();
  // The phone enrolls, approves the computer's login, and the firm adds itself as a client.
  await phonePage.goto(inject("enrollmentLinks").workspaces);
  await phonePage.getByRole("button", { name: "Enrôler ce téléphone" }).click();
  await phonePage.getByText("Ce téléphone est enrôlé.").waitFor();
  await computer.goto(`${baseUrl}/connexion`);
  await phonePage.goto(await readQrUrl(computer));
  await phonePage.getByRole("button", { name: "Approuver" }).click();
  await computer.waitForURL(`${baseUrl}/`);
  await computer.goto(`${baseUrl}/clients`);
  await computer.getByRole("button", { name: "Ajouter mon cabinet comme client" }).click();
  await computer.getByText("est maintenant client", { exact: false }).waitFor();
});

afterAll(async () => {
  await browser?.close();
});

async function expectAccessible(page: Page) {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

const workspaceSelect = () => phonePage.getByLabel("Espace de travail");
const chosenWorkspace = () => workspaceSelect().locator("option:checked").textContent();

describe("choosing the workspace on the phone", () => {
  it("deposits for a client of the firm, or, once switched, into the firm's own company space", async () => {
    await phonePage.goto(`${baseUrl}/mobile/deposer`);
    await phonePage.getByText(`il arrive dans l'espace « ${firm.name} »`, { exact: false }).waitFor();
    expect(await workspaceSelect().locator("option").allTextContents()).toEqual([
      `${firm.name} (Cabinet)`,
      `${OWN_COMPANY} (Entreprise)`,
    ]);
    // In the firm, the client is chosen: the firm itself is one.
    await phonePage.getByLabel("Client").locator("option", { hasText: OWN_COMPANY }).waitFor({ state: "attached" });
    await screenshot(phonePage, "phone-workspace-firm");
    await expectAccessible(phonePage);

    await workspaceSelect().selectOption({ label: `${OWN_COMPANY} (Entreprise)` });
    await phonePage.getByRole("status").getByText(`Vous travaillez maintenant dans l'espace « ${OWN_COMPANY} ».`).waitFor();
    await phonePage.getByText(`il arrive dans l'espace « ${OWN_COMPANY} »`, { exact: false }).waitFor();
    expect(await phonePage.getByLabel("Client").count()).toBe(0);
    await phonePage.getByTestId("mobile-upload-file").setInputFiles({
      name: "note-de-frais.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
    });
    await phonePage.getByRole("button", { name: "Envoyer" }).click();
    await phonePage.getByRole("status").getByText("« note-de-frais.pdf » a été déposé.").waitFor();
    await screenshot(phonePage, "phone-workspace-company");
    await expectAccessible(phonePage);
  });

  it("keeps the choice on the next visit, and switches back from the activity page", async () => {
    await phonePage.goto(`${baseUrl}/mobile/activite`);
    await phonePage.getByRole("heading", { name: "Mon activité" }).waitFor();
    await expect.poll(chosenWorkspace).toBe(`${OWN_COMPANY} (Entreprise)`);
    await phonePage.getByText("Changement d'espace de travail").first().waitFor();

    await workspaceSelect().selectOption({ label: `${firm.name} (Cabinet)` });
    await phonePage.getByRole("status").getByText(`Vous travaillez maintenant dans l'espace « ${firm.name} ».`).waitFor();
    await screenshot(phonePage, "phone-workspace-activity");
    await expectAccessible(phonePage);

    await phonePage.goto(`${baseUrl}/mobile/deposer`);
    await phonePage.getByText(`il arrive dans l'espace « ${firm.name} »`, { exact: false }).waitFor();
    await phonePage.getByLabel("Client").waitFor();
  });
});
