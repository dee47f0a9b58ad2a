import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FRENCH, launchChromium, screenshot, seriousAccessibilityViolations } from "./browser";
import { CliCompanion } from "./companion";
import { E2E_FIRMS } from "./firms";
import { waitForEnrollmentLink, waitForMailText } from "./mailbox";

// A mandate signed with the representative's enrolled phone, against the real API and its
// embedded worker: the client's contact enrolls their phone's browser (the web companion) with
// the invitation link; the firm sends the mandate from its dashboard; on a computer, the signing
// page's « Avec mon téléphone enrôlé » asks the phone, which shows what is signed (firm, client,
// the typed name, the document's fingerprint that the page also shows) and approves it with its
// device key; the page signs by itself, and the client becomes « Signé » then « Inscrit »
// without the firm touching it.
const baseUrl = inject("baseUrl");
const FIRM = E2E_FIRMS.mandatePhone;
const CLIENT = { siren: "784951832", name: "OPTIQUE MERCIER" };
const CONTACT = { firstName: "Chloé", lastName: "Mercier", email: "chloe@optique-mercier.example" };
const PHONE_USER_AGENT =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
const COMPUTER_USER_AGENT =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";

let browser: Browser;
let firm: BrowserContext;
let computer: BrowserContext;
let phone: BrowserContext;
let firmPage: Page;
let page: Page;
let phonePage: Page;
let countsBefore: Record<string, number> = {};

beforeAll(async () => {
  browser = await launchChromium();
  const owner = await CliCompanion.enroll(inject("comptoir"), inject("enrollmentLinks").mandatePhone);
  firm = await browser.newContext({ ...FRENCH, viewport: { width: 1366, height: 900 } });
  computer = await browser.newContext({ ...FRENCH, viewport: { width: 1280, height: 900 }, userAgent: COMPUTER_USER_AGENT });
  phone = await browser.newContext({
    ...FRENCH,
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

const STAGES = ["to_send", "sent", "opened", "signed", "registered"] as const;
const funnel = (stage: string) => firmPage.getByTestId("readiness-funnel").locator(`[data-stage="${stage}"] strong`);
const clientRow = () => firmPage.getByTestId("readiness-clients").getByRole("row").filter({ hasText: CLIENT.name });

/**
 * Checks a box or a radio and waits until the page says it is checked. Under a heavy load the
 * page still moves when Playwright clicks (the mandate's PDF and its frame arrive above the form),
 * and a click may land beside the small control: it is then clicked again, as a person would.
 */
async function checked(control: Locator): Promise<void> {
  await expect
    .poll(
      async () => {
        await control.check({ timeout: 5_000 }).catch(() => undefined);
        return control.isChecked();
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBe(true);
}

async function readCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const stage of STAGES) counts[stage] = Number(await funnel(stage).textContent());
  return counts;
}

describe("a mandate signed with the representative's enrolled phone", () => {
  it("the client's contact enrolls their phone with the invitation link", async () => {
    // The client and its invitation, through the API as the clients screen would.
    await firmPage.evaluate(
      async ({ client, contact }) => {
        const csrf = decodeURIComponent(/comptoir_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? "");
        const headers = { "Content-Type": "application/json", "X-CSRF-Token": csrf };
        const created = await fetch("/api/v1/clients", {
          method: "POST",
          headers,
          body: JSON.stringify({
            identifier: client.siren,
            contact_first_name: contact.firstName,
            contact_last_name: contact.lastName,
            contact_email: contact.email,
          }),
        });
        if (created.status !== 201) throw new Error(await created.text());
        const { id } = (await created.json()) as { id: string };
        const invited = await fetch("/api/v1/clients/invitations", {
          method: "POST",
          headers,
          body: JSON.stringify({ client_ids: [id] }),
        });
        if (invited.status !== 200) throw new Error(await invited.text());
      },
      { client: CLIENT, contact: CONTACT },
    );

    await phonePage.goto(await waitForEnrollmentLink(CONTACT.email));
    await phonePage.getByRole("heading", { name: "Enrôler un téléphone" }).waitFor();
    await phonePage.getByRole("button", { name: "Enrôler ce téléphone" }).tap();
    await phonePage.getByText("Ce téléphone est enrôlé.").waitFor();
  });

  it("the firm sends the mandate from its dashboard", async () => {
    await firmPage.goto(`${baseUrl}/`);
    await firmPage.getByRole("heading", { level: 2, name: "Préparation à la facturation électronique" }).waitFor();
    await clientRow().waitFor();
    countsBefore = await readCounts();
    expect(await clientRow().getByTestId("stage").textContent()).toBe("À envoyer");

    await firmPage.getByRole("checkbox", { name: `Sélectionner ${CLIENT.name}` }).check();
    await firmPage.getByRole("button", { name: "Envoyer le mandat à signer" }).click();
    await firmPage.getByRole("status").filter({ hasText: "1 client(s) traité(s)." }).waitFor();
    await expect.poll(() => funnel("sent").textContent()).toBe(String(countsBefore["sent"]! + 1));
    expect(Number(await funnel("to_send").textContent())).toBe(countsBefore["to_send"]! - 1);
  });

  it("on the computer, « Avec mon téléphone enrôlé » asks the phone, which approves: the page signs", async () => {
    const link = await waitForMailText(CONTACT.email, /(\S+\/mandat#[\w-]+)/);
    await page.goto(link);
    await page.getByRole("heading", { level: 1, name: "Signature du mandat de facturation électronique" }).waitFor();
    // The mandate is read first: its PDF arrives after the form and pushes it down the page.
    await page.getByRole("link", { name: "Ouvrir le mandat (PDF)" }).waitFor();
    await page.getByLabel("Votre nom et prénom").fill("Chloé Mercier");
    await checked(page.getByRole("radio", { name: "Avec mon téléphone enrôlé" }));
    await checked(page.getByRole("checkbox", { name: /téléphone/ }));
    await page.getByRole("button", { name: "Demander l'approbation sur mon téléphone" }).click();

    // The QR code encodes the approval's address; the page also offers it as a link.
    const open = page.getByRole("link", { name: "Ouvrir sur ce téléphone" });
    await open.waitFor();
    const approvalUrl = (await open.getAttribute("href")) ?? "";
    expect(approvalUrl.startsWith(`${baseUrl}/qr/v1/mandat/`)).toBe(true);
    await page.getByRole("img", { name: "Code QR à scanner avec votre téléphone" }).waitFor();
    const pageFingerprint = /empreinte (\S+ \S+)\./.exec(
      (await page.getByText("Votre téléphone doit afficher l'empreinte").textContent()) ?? "",
    )?.[1];
    expect(pageFingerprint).toMatch(/^[0-9A-F]{4} [0-9A-F]{4}$/);
    await screenshot(page, "mandate-phone-waiting");

    // The phone: what is signed, under which name, asked from which browser.
    await phonePage.goto(approvalUrl);
    await phonePage.getByRole("heading", { level: 1, name: "Signature d'un mandat" }).waitFor();
    expect(await phonePage.getByTestId("mandate-fingerprint").textContent()).toBe(pageFingerprint);
    expect(await phonePage.getByTestId("mandate-signer").textContent()).toBe("Chloé Mercier");
    const facts = phonePage.locator("dl.facts");
    expect(await facts.textContent()).toContain(`${CLIENT.name} (SIREN ${CLIENT.siren})`);
    expect(await facts.textContent()).toContain(FIRM.name);
    expect(await facts.textContent()).toContain("Firefox sur Windows");
    expect(await seriousAccessibilityViolations(phonePage)).toEqual([]);
    // Nothing is wider than the phone's screen.
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phonePage, "mandate-phone-approval");

    await phonePage.getByRole("button", { name: "Approuver la signature" }).tap();
    const decision = phonePage.getByTestId("mandate-decision");
    await decision.getByText("Signature approuvée.").waitFor();
    expect(await decision.textContent()).toContain(`le mandat de « ${CLIENT.name} » y est signé`);
    await screenshot(phonePage, "mandate-phone-approved");

    // The computer's page signs by itself once the phone approved.
    await page.getByRole("heading", { name: "Mandat signé" }).waitFor({ timeout: 20_000 });
    await screenshot(page, "mandate-phone-signed");

    // The approval is spent: opened again, the phone says it was answered.
    await phonePage.goto(approvalUrl);
    await phonePage.getByRole("alert").waitFor();
    expect(await phonePage.getByRole("button", { name: "Approuver la signature" }).count()).toBe(0);
  });

  it("the client becomes « Signé » then « Inscrit » without the firm touching it; the counts move", async () => {
    // The designation runs in the worker: « Signé » may last less than a reload, so the order is
    // read from what the dashboard showed (never backwards) and from the journal below.
    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          await firmPage.reload();
          await clientRow().waitFor();
          const stage = (await clientRow().getByTestId("stage").textContent()) ?? "";
          if (seen.at(-1) !== stage) seen.push(stage);
          return stage;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe("Inscrit");
    const order = ["Envoyé", "Ouvert", "Signé", "Inscrit"];
    const positions = seen.map((stage) => order.indexOf(stage));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    const after = await readCounts();
    expect(after["registered"]).toBe(countsBefore["registered"]! + 1);
    expect(after["sent"]).toBe(countsBefore["sent"]);
    expect(after["to_send"]).toBe(countsBefore["to_send"]! - 1);
    expect(after["signed"]).toBe(countsBefore["signed"]);
    await screenshot(firmPage, "mandate-phone-dashboard-registered");

    // The journal, newest first: signed on the phone, then registered in the directory.
    await firmPage.goto(`${baseUrl}/journal`);
    const table = firmPage.getByTestId("audit-table");
    await table.getByText("Inscrit à l'annuaire").first().waitFor();
    const events = await table.locator("tbody tr td:nth-child(2) code").allTextContents();
    const registered = events.indexOf("einvoicing.registered");
    const signed = events.indexOf("mandates.signed");
    const approved = events.indexOf("mandates.phone_approved");
    expect(registered).toBeGreaterThanOrEqual(0);
    expect(signed).toBeGreaterThan(registered);
    expect(approved).toBeGreaterThan(signed);

    // The client's file: the evidence names the phone.
    await firmPage.goto(`${baseUrl}/clients`);
    await firmPage.getByRole("table").getByRole("link", { name: CLIENT.name }).click();
    await firmPage.getByRole("navigation", { name: "Fiche client" }).getByRole("link", { name: "Mandat" }).click();
    const panel = firmPage.getByTestId("mandate-panel");
    await panel.getByTestId("mandate-stage").filter({ hasText: "Inscrit" }).waitFor();
    const evidence = panel.getByTestId("mandate-evidence");
    await evidence.getByText("Chloé Mercier").waitFor();
    expect(await evidence.textContent()).toContain("Approbation sur le téléphone enrôlé");

    // Its obligations: SIRENE says PME (emission in 2027); the firm sets the VAT regime, which
    // gives the e-reporting cadence, then corrects the category.
    const obligations = panel.getByTestId("client-obligations");
    await obligations.getByTestId("obligation-cadence").filter({ hasText: "Régime de TVA à renseigner" }).waitFor();
    expect(await obligations.getByTestId("obligation-emission").textContent()).toBe("01/09/2027");
    expect(await obligations.getByLabel("Catégorie d'entreprise").inputValue()).toBe("");
    await obligations.getByLabel("Régime de TVA").selectOption({ label: "Réel simplifié" });
    await obligations.getByLabel("Catégorie d'entreprise").selectOption({ label: "Entreprise de taille intermédiaire" });
    await obligations.getByRole("button", { name: "Enregistrer" }).click();
    await obligations.getByRole("status").filter({ hasText: "Obligations mises à jour." }).waitFor();
    await obligations.getByTestId("obligation-cadence").filter({ hasText: "Mensuelle" }).waitFor();
    expect(await obligations.getByTestId("obligation-emission").textContent()).toBe("01/09/2026");
    expect(await seriousAccessibilityViolations(firmPage)).toEqual([]);
    await screenshot(firmPage, "mandate-phone-client-obligations");
  });
});
