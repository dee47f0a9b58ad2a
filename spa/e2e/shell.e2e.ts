import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
  page = await context.newPage();
});

afterEach(async () => {
  await context?.close();
});

describe("application shell", () => {
  it("shows the French shell and the API health from the real server", async () => {
    await page.goto(baseUrl);

    await page.waitForURL(`${baseUrl}/statut`);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("État du service");
    const navigation = page.getByRole("navigation", { name: "Navigation principale" });
    expect(await navigation.getByRole("link").allTextContents()).toEqual(["État du service"]);
    await page.getByTestId("api-version").waitFor();
    expect(await page.getByTestId("api-version").textContent()).toMatch(/^\d+\.\d+\.\d+/);
    await page.getByRole("region", { name: "Base de données" }).getByText("Disponible").waitFor();
    await page.getByText("API : disponible").waitFor();
    await screenshot(page, "shell-status");

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("opens « Gérer l'espace de travail » from the keyboard and closes it with Escape", async () => {
    await page.goto(`${baseUrl}/statut`);
    const menuButton = page.getByRole("button", { name: "Gérer l'espace de travail" });

    await menuButton.focus();
    await page.keyboard.press("Enter");

    expect(await menuButton.getAttribute("aria-expanded")).toBe("true");
    // Nobody is signed in yet: deny by default, no administration link is offered.
    await page.getByText("Aucun réglage n'est accessible avec vos rôles.").waitFor();
    await screenshot(page, "shell-workspace-menu");
    await page.keyboard.press("Escape");
    expect(await menuButton.getAttribute("aria-expanded")).toBe("false");
    expect(await menuButton.evaluate((button) => button === document.activeElement)).toBe(true);
  });

  it("starts keyboard navigation with a skip link to the content", async () => {
    await page.goto(`${baseUrl}/statut`);
    // Tab only once React has rendered the shell, or focus lands on the empty document.
    await page.getByText("Aller au contenu principal").waitFor({ state: "attached" });

    await page.keyboard.press("Tab");

    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      "Aller au contenu principal",
    );
  });

  it("answers an unknown page in French inside the shell", async () => {
    await page.goto(`${baseUrl}/nulle-part`);

    await page.getByRole("heading", { name: "Page introuvable" }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("fits a phone screen with the navigation behind « Ouvrir le menu »", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/statut`);
    const navigation = page.getByRole("navigation", { name: "Navigation principale" });

    expect(await navigation.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Ouvrir le menu" }).click();
    expect(await navigation.isVisible()).toBe(true);
    await screenshot(page, "shell-phone-menu");
    await navigation.getByRole("link", { name: "État du service" }).click();
    expect(await navigation.isVisible()).toBe(false);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("is installable: the manifest and its icons are served", async () => {
    const manifestResponse = await page.request.get(`${baseUrl}/manifest.webmanifest`);
    expect(manifestResponse.ok()).toBe(true);
    const manifest = (await manifestResponse.json()) as { lang: string; icons: { src: string; sizes: string }[] };

    expect(manifest.lang).toBe("fr-FR");
    expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    for (const icon of manifest.icons) {
      const response = await page.request.get(`${baseUrl}${icon.src}`);
      expect(response.ok(), icon.src).toBe(true);
    }
  });
});
