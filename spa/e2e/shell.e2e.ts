import { describe, expect, inject, it } from "vitest";
import { screenshot, seriousAccessibilityViolations, signedInOwner } from "./browser";
import { E2E_FIRMS } from "./firms";

const baseUrl = inject("baseUrl");
const firm = E2E_FIRMS.shell;
// The firm owner, signed in once through the QR with the command-line companion.
const owner = signedInOwner("shell");

describe("application shell", () => {
  it("shows the French shell fed by /me, and the API health from the real server", async () => {
    await owner.page.goto(`${baseUrl}/statut`);

    expect(await owner.page.locator("html").getAttribute("lang")).toBe("fr");
    await expect.poll(() => owner.page.getByRole("heading", { level: 1 }).textContent()).toBe("État du service");
    expect(await owner.page.getByTestId("workspace-name").textContent()).toBe(firm.name);
    const navigation = owner.page.getByRole("navigation", { name: "Navigation principale" });
    // The owner holds every role: every screen is offered.
    expect(await navigation.getByRole("link").allTextContents()).toEqual([
      "Clients",
      "Documents clients",
      "Factures reçues",
      "Factures émises",
      "Utilisateurs",
      "Extensions",
      "Journal d'audit",
      "Vérifier un mandat",
      "État du service",
    ]);
    await owner.page.getByTestId("api-version").waitFor();
    expect(await owner.page.getByTestId("api-version").textContent()).toMatch(/^\d+\.\d+\.\d+/);
    await owner.page.getByRole("region", { name: "Base de données" }).getByText("Disponible").waitFor();
    await owner.page.getByTestId("service-status").getByText("Service en ligne").waitFor();
    await screenshot(owner.page, "shell-status");

    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
  });

  it("sends a visitor without a session to the login page", async () => {
    const visitor = await owner.browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
    const visitorPage = await visitor.newPage();

    await visitorPage.goto(`${baseUrl}/statut`);

    await visitorPage.waitForURL(`${baseUrl}/connexion?retour=%2Fstatut`);
    await visitorPage.getByRole("heading", { name: "Connexion", exact: true }).waitFor();
    await visitor.close();
  });

  it("opens « Gérer l'espace de travail » from the keyboard and closes it with Escape", async () => {
    await owner.page.goto(`${baseUrl}/statut`);
    const menuButton = owner.page.getByRole("button", { name: "Gérer l'espace de travail" });

    await menuButton.focus();
    await owner.page.keyboard.press("Enter");

    expect(await menuButton.getAttribute("aria-expanded")).toBe("true");
    await owner.page.getByRole("link", { name: "Journal d'audit" }).last().waitFor();
    await screenshot(owner.page, "shell-workspace-menu");
    await owner.page.keyboard.press("Escape");
    expect(await menuButton.getAttribute("aria-expanded")).toBe("false");
    expect(await menuButton.evaluate((button) => button === document.activeElement)).toBe(true);
  });

  it("starts keyboard navigation with a skip link to the content", async () => {
    await owner.page.goto(`${baseUrl}/statut`);
    // Tab only once React has rendered the shell (after /me), or focus lands on the empty
    // document.
    await owner.page.getByRole("heading", { level: 1 }).waitFor();

    await owner.page.keyboard.press("Tab");

    expect(await owner.page.evaluate(() => document.activeElement?.textContent)).toBe(
      "Aller au contenu principal",
    );
  });

  it("answers an unknown page in French inside the shell", async () => {
    await owner.page.goto(`${baseUrl}/nulle-part`);

    await owner.page.getByRole("heading", { name: "Page introuvable" }).waitFor();
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
  });

  it("fits a phone screen with the navigation behind « Ouvrir le menu »", async () => {
    await owner.page.setViewportSize({ width: 390, height: 844 });
    await owner.page.goto(`${baseUrl}/statut`);
    const navigation = owner.page.getByRole("navigation", { name: "Navigation principale" });
    await owner.page.getByRole("button", { name: "Ouvrir le menu" }).waitFor();

    expect(await navigation.isVisible()).toBe(false);
    await owner.page.getByRole("button", { name: "Ouvrir le menu" }).click();
    expect(await navigation.isVisible()).toBe(true);
    await screenshot(owner.page, "shell-phone-menu");
    await navigation.getByRole("link", { name: "État du service" }).click();
    expect(await navigation.isVisible()).toBe(false);
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
  });

  it("is installable: the manifest and its icons are served", async () => {
    const manifestResponse = await owner.page.request.get(`${baseUrl}/manifest.webmanifest`);
    expect(manifestResponse.ok()).toBe(true);
    const manifest = (await manifestResponse.json()) as { lang: string; icons: { src: string; sizes: string }[] };

    expect(manifest.lang).toBe("fr-FR");
    expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    for (const icon of manifest.icons) {
      const response = await owner.page.request.get(`${baseUrl}${icon.src}`);
      expect(response.ok(), icon.src).toBe(true);
    }
  });
});

describe("two tabs of one browser", () => {
  it("refresh an expired session in turn, and both stay signed in", async () => {
    // A session of its own: the refresh token family rotated here is no other test's.
    const tabs = await owner.browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
    const first = await tabs.newPage();
    await owner.companion.logIn(first, baseUrl);
    const second = await tabs.newPage();
    // The signed-in app would keep calling the API from the first tab and refresh on its own
    // once the cookie is gone: leave it, so that the only refreshes counted are the two tabs'.
    await first.goto("about:blank");
    // The access cookie lives minutes: drop it, as if the tabs came back after a pause.
    const cookies = await tabs.cookies();
    expect(cookies.map((cookie) => cookie.name)).toContain("__Host-comptoir_access");
    await tabs.clearCookies();
    await tabs.addCookies(cookies.filter((cookie) => cookie.name !== "__Host-comptoir_access"));

    // Both tabs find the session expired at once and refresh it: the API rotates the refresh
    // token and ends the session if one comes back, so the tabs must take turns. A slow
    // network (each refresh held 1 s) makes their refreshes overlap if they do not.
    const refreshes: string[] = [];
    await tabs.route("**/api/v1/auth/token/refresh", async (route) => {
      refreshes.push(route.request().url());
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    });
    await Promise.all([first.goto(`${baseUrl}/statut`), second.goto(`${baseUrl}/statut`)]);

    for (const tab of [first, second]) {
      await tab.getByRole("heading", { level: 1, name: "État du service" }).waitFor();
      expect(new URL(tab.url()).pathname).toBe("/statut");
    }
    // One tab refreshed; the other saw the new cookies once its turn came, and only retried.
    expect(refreshes).toHaveLength(1);
    await first.reload();
    await first.getByRole("heading", { level: 1, name: "État du service" }).waitFor();
    await second.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Clients", exact: true }).click();
    await second.getByRole("heading", { level: 1, name: "Clients" }).waitFor();
    await tabs.close();
  });
});
