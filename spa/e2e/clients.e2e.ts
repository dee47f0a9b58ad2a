import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { screenshot, seriousAccessibilityViolations, signedInOwner } from "./browser";

// The « Clients » application against the real API, as the firm's owner (every role). The
// local registry holds the packaged SIRENE sample (global-setup.ts); the Excel file and its
// expected outcome row by row are the shared ones of issue 6.
const baseUrl = inject("baseUrl");
const SHARED_CLIENTS = resolve(import.meta.dirname, "..", "..", "..", "shared", "data", "clients");
const IMPORT_SAMPLE = resolve(SHARED_CLIENTS, "import-sample.xlsx");
const EXPECTED = JSON.parse(readFileSync(resolve(SHARED_CLIENTS, "import-sample.expected.json"), "utf8")) as {
  row: number;
  outcome: "created" | "duplicate" | "invalid" | "unknown";
}[];

// In the SIRENE sample and not in the Excel file: one active company, one closed.
const BAKERY = { siren: "698716891", name: "BOULANGERIE LEROY" };
const CLOSED = { siren: "948662838", name: "ÉLECTRICITÉ PERRIN" };
// The firm as the registry names it, once it has added itself as a client.
const FIRM_IN_REGISTRY = "CABINET MULLER ET ASSOCIÉS";

const owner = signedInOwner("clients", { acceptDownloads: true, viewport: { width: 1366, height: 900 } });

const table = () => owner.page.getByTestId("clients-table");
const rowOf = (name: string) => table().getByRole("row").filter({ hasText: name });

describe("clients", () => {
  it("adds a client by SIREN with the live registry lookup; a closed company is not selectable", async () => {
    await owner.page.goto(`${baseUrl}/clients`);
    await owner.page.getByRole("heading", { level: 1, name: "Clients" }).waitFor();
    await owner.page.getByText("Aucun client pour le moment.", { exact: false }).waitFor();
    await owner.page.getByRole("button", { name: "Ajouter un client" }).click();
    const dialog = owner.page.getByRole("dialog", { name: "Ajouter un client" });
    const lookup = dialog.getByLabel("SIREN, SIRET ou raison sociale");

    await lookup.fill(CLOSED.siren);
    const closed = dialog.getByRole("radio", { name: new RegExp(CLOSED.name) });
    await closed.waitFor();
    expect(await closed.isDisabled()).toBe(true);
    await dialog.getByText("Entreprise fermée au registre", { exact: false }).waitFor();
    await screenshot(owner.page, "clients-add-closed");

    await lookup.fill("698 716 891");
    const bakery = dialog.getByRole("radio", { name: new RegExp(BAKERY.name) });
    await bakery.check();
    await dialog.getByLabel("Prénom").fill("Lucie");
    await dialog.getByLabel("Nom", { exact: true }).fill("Leroy");
    await dialog.getByLabel("Adresse e-mail").fill("lucie@boulangerie-leroy.example");
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
    await screenshot(owner.page, "clients-add");
    await dialog.getByRole("button", { name: "Ajouter le client" }).click();

    await owner.page.getByText(`« ${BAKERY.name} » a été ajouté à vos clients.`).waitFor();
    await rowOf(BAKERY.name).waitFor();
    expect(await rowOf(BAKERY.name).getByText("À inviter").count()).toBe(1);
    expect(await rowOf(BAKERY.name).getByText("Non désigné").count()).toBe(1);

    // The same SIREN again: the API's 409, in French, inside the dialog.
    await owner.page.getByRole("button", { name: "Ajouter un client" }).click();
    await lookup.fill(BAKERY.siren);
    await bakery.check();
    await dialog.getByRole("button", { name: "Ajouter le client" }).click();
    await dialog.getByRole("alert").getByText("Cette entreprise est déjà cliente du cabinet").waitFor();
    await dialog.getByRole("button", { name: "Annuler" }).click();
  });

  it("adds the firm itself as a client", async () => {
    await owner.page.goto(`${baseUrl}/clients`);
    await owner.page.getByRole("button", { name: "Ajouter mon cabinet comme client" }).click();

    await owner.page.getByText("est maintenant client", { exact: false }).waitFor();
    await table().getByText("Votre cabinet").waitFor();
  });

  it("imports the shared Excel sample: the report row by row, then the confirmation", async () => {
    await owner.page.goto(`${baseUrl}/clients`);
    await owner.page.getByRole("link", { name: "Importer depuis Excel" }).click();
    await owner.page.getByRole("heading", { level: 1, name: "Importer des clients depuis Excel" }).waitFor();

    const [template] = await Promise.all([
      owner.page.waitForEvent("download"),
      owner.page.getByRole("button", { name: "Télécharger le modèle Excel" }).click(),
    ]);
    expect(template.suggestedFilename()).toBe("modele-import-clients.xlsx");

    await owner.page.getByLabel("Fichier Excel (.xlsx)").setInputFiles(IMPORT_SAMPLE);
    await owner.page.getByRole("button", { name: "Analyser le fichier" }).click();
    const report = owner.page.getByTestId("import-report");
    await report.waitFor();

    const counted = (outcome: string) => EXPECTED.filter((row) => row.outcome === outcome).length;
    const counts = owner.page.getByRole("list", { name: "Résumé du rapport" });
    for (const outcome of ["created", "duplicate", "invalid", "unknown"]) {
      expect(await counts.locator(`[data-outcome=${outcome}] .counts__value`).textContent(), outcome).toBe(
        String(counted(outcome)),
      );
    }
    for (const expected of EXPECTED) {
      expect(await report.locator(`tr[data-row="${expected.row}"]`).getAttribute("data-outcome"), `ligne ${expected.row}`).toBe(
        expected.outcome,
      );
    }
    // The reasons are in French.
    expect(await report.locator('tr[data-outcome="invalid"] td').last().textContent()).not.toBe("");
    await owner.page.getByRole("button", { name: /^Invalide/ }).click();
    expect(await report.locator("tbody tr").count()).toBe(counted("invalid"));
    await screenshot(owner.page, "clients-import-report");
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);

    await owner.page.getByRole("button", { name: `Confirmer et créer ${counted("created")} clients` }).click();

    await owner.page.getByRole("heading", { name: "Import terminé" }).waitFor();
    await owner.page.getByText(`${counted("created")} clients créés`, { exact: false }).waitFor();
    await screenshot(owner.page, "clients-import-done");
    await owner.page.getByRole("link", { name: "Voir les clients" }).click();
    await owner.page.getByRole("heading", { level: 1, name: "Clients" }).waitFor();
  });

  it("searches, filters, sorts and loads more, by cursor", async () => {
    await owner.page.goto(`${baseUrl}/clients`);
    await rowOf(BAKERY.name).waitFor();
    const bodyRows = table().locator("tbody tr");
    // 62 imported + the bakery + the firm: two pages of 50.
    expect(await bodyRows.count()).toBe(50);
    await owner.page.getByRole("button", { name: "Charger plus" }).click();
    await expect.poll(() => bodyRows.count()).toBe(counted("created") + 2);
    await owner.page.getByText("Tous les clients sont affichés.", { exact: false }).waitFor();

    await owner.page.getByLabel("Rechercher un client").fill("la poste");
    await owner.page.waitForURL(/q=la\+poste/);
    await expect.poll(() => bodyRows.count()).toBe(1);
    await rowOf("LA POSTE").waitFor();
    await owner.page.getByLabel("Rechercher un client").fill("");
    await owner.page.waitForURL(`${baseUrl}/clients`);

    const sirenHeader = table().getByRole("columnheader", { name: "SIREN" });
    await sirenHeader.getByRole("button").click();
    await owner.page.waitForURL(/tri=siren/);
    await expect.poll(() => sirenHeader.getAttribute("aria-sort")).toBe("ascending");
    // The previous rows stay on screen (aria-busy) until the sorted first page arrives.
    await expect
      .poll(async () => {
        const sirens = await bodyRows.locator("td.numeric").allTextContents();
        return sirens.length === 50 && sirens.join() === [...sirens].sort().join();
      })
      .toBe(true);

    await owner.page.getByLabel("Statut", { exact: true }).selectOption("active");
    await owner.page.waitForURL(/statut=active/);
    // Only the firm itself is « Actif »: its company space exists with the owner in it.
    await expect.poll(() => bodyRows.count()).toBe(1);
    await rowOf(FIRM_IN_REGISTRY).getByText("Actif").waitFor();
    await owner.page.getByRole("button", { name: "Réinitialiser les filtres" }).click();
    // The reset reaches the address before the next filter is chosen (else both combine).
    await owner.page.waitForURL((url) => !url.search.includes("statut="));
    await owner.page.getByRole("button", { name: "Réinitialiser les filtres" }).waitFor({ state: "detached" });
    await owner.page.getByLabel("Désignation PA").selectOption("not_registered");
    await owner.page.waitForURL(/pa=not_registered/);
    await expect.poll(() => bodyRows.count()).toBe(50);
    await screenshot(owner.page, "clients-list");
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
  });

  it("changes the subscription of selected clients, with one result per client, then filters by plan", async () => {
    // Oldest first: the bakery, then the firm itself, then the import.
    await owner.page.goto(`${baseUrl}/clients?tri=created_at`);
    await rowOf(BAKERY.name).waitFor();
    await owner.page.getByLabel(`Sélectionner ${BAKERY.name}`).check();
    await owner.page.getByLabel(`Sélectionner ${FIRM_IN_REGISTRY}`).check();
    const bar = owner.page.getByRole("region", { name: "Actions groupées" });
    await bar.getByText("2 clients sélectionnés").waitFor();
    await screenshot(owner.page, "clients-bulk-bar");

    await bar.getByRole("button", { name: "Changer l'abonnement" }).click();
    const dialog = owner.page.getByRole("dialog", { name: "Changer l'abonnement de 2 clients" });
    await dialog.getByLabel("Formule").selectOption("standard");
    await dialog.getByLabel("Le client").check();
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
    await dialog.getByRole("button", { name: "Appliquer" }).click();

    await owner.page.getByTestId("bulk-summary").getByText("2 réussis, 0 en échec.").waitFor();
    expect(await owner.page.getByRole("region", { name: "Actions groupées" }).count()).toBe(0);
    await owner.page.getByLabel("Formule").selectOption("standard");
    await owner.page.waitForURL(/formule=standard/);
    await expect.poll(() => table().locator("tbody tr").count()).toBe(2);
    expect(await rowOf(BAKERY.name).getByText("Standard").count()).toBe(1);
  });

  it("exports the current filter to Excel", async () => {
    await owner.page.goto(`${baseUrl}/clients?formule=standard`);
    await rowOf(BAKERY.name).waitFor();

    const [download] = await Promise.all([
      owner.page.waitForEvent("download"),
      owner.page.getByRole("button", { name: "Exporter (Excel)" }).click(),
    ]);

    expect(download.suggestedFilename()).toMatch(/^clients-\d{4}-\d{2}-\d{2}\.xlsx$/);
  });

  it("bulk-activates e-invoicing on two clients with the certification, and follows the job to done", async () => {
    await owner.page.goto(`${baseUrl}/clients?tri=created_at`);
    await rowOf(BAKERY.name).waitFor();
    await owner.page.getByLabel(`Sélectionner ${BAKERY.name}`).check();
    await owner.page.getByLabel(`Sélectionner ${FIRM_IN_REGISTRY}`).check();
    const bar = owner.page.getByRole("region", { name: "Actions groupées" });
    await bar.getByRole("button", { name: "Activer la facturation électronique" }).click();
    const dialog = owner.page.getByRole("dialog", { name: "Activer la facturation électronique de 2 clients" });

    // Not without the certification, shown word for word as the API gives it.
    const certification = (await (await owner.page.request.get(`${baseUrl}/api/v1/einvoicing/certification`)).json()) as {
      text: string;
    };
    expect(await dialog.getByTestId("certification-text").textContent()).toBe(certification.text);
    await dialog.getByRole("button", { name: "Activer", exact: true }).click();
    await dialog.getByText("Cochez la certification pour activer.").waitFor();
    await dialog.getByRole("checkbox").check();
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
    await screenshot(owner.page, "clients-bulk-einvoicing");
    await dialog.getByRole("button", { name: "Activer", exact: true }).click();

    await owner.page.getByTestId("bulk-summary").getByText("2 réussis, 0 en échec.").waitFor();
    const details = owner.page.getByTestId("bulk-details");
    expect(await details.getByText("Activation lancée").count()).toBe(2);
    // The embedded worker registers them on the local directory within seconds.
    const job = owner.page.getByTestId("bulk-job");
    await owner.page.locator('[data-testid="bulk-job"][data-done="true"]').waitFor({ timeout: 30_000 });
    await job.getByText("2 sur 2 traités — Inscription terminée.").waitFor();
    await expect
      .poll(() => rowOf(BAKERY.name).locator("[data-pa-status]").getAttribute("data-pa-status"), { timeout: 15_000 })
      .toBe("registered");
    await rowOf(FIRM_IN_REGISTRY).getByText("Inscrit").waitFor();
    await screenshot(owner.page, "clients-bulk-einvoicing-done");
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
  });

  it("opens a client's file: contact, collaborators, subscription and history tabs", async () => {
    await owner.page.goto(`${baseUrl}/clients`);
    await table().getByRole("link", { name: BAKERY.name }).click();
    await owner.page.getByRole("heading", { level: 1, name: BAKERY.name }).waitFor();
    const tabs = owner.page.getByRole("navigation", { name: "Fiche client" });
    expect(await tabs.getByRole("link").allTextContents()).toEqual([
      "Informations",
      "Collaborateurs",
      "Abonnement",
      "Facturation électronique",
      "Mandat",
      "Factures reçues",
      "Factures émises",
      "Flux",
      "Historique",
    ]);
    await owner.page.getByText("FR", { exact: false }).first().waitFor();
    await owner.page.getByLabel("Adresse e-mail").fill("pas-une-adresse");
    await owner.page.getByRole("button", { name: "Enregistrer" }).click();
    await owner.page.locator(".field__error").first().waitFor();
    await owner.page.getByLabel("Adresse e-mail").fill("contact@boulangerie-leroy.example");
    await owner.page.getByRole("button", { name: "Enregistrer" }).click();
    await owner.page.getByText("Contact enregistré.").waitFor();
    await screenshot(owner.page, "client-detail");
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);

    await tabs.getByRole("link", { name: "Collaborateurs" }).click();
    await owner.page.getByText("Aucun comptable n'est affecté à ce client.").waitFor();

    await tabs.getByRole("link", { name: "Abonnement" }).click();
    await owner.page.getByRole("region", { name: "Abonnement actuel" }).getByText("Standard").waitFor();
    await owner.page.getByRole("region", { name: "Abonnement actuel" }).getByText("Le client").waitFor();
    expect(await owner.page.getByRole("region", { name: "Historique des changements" }).locator("tbody tr").count()).toBe(1);
    await screenshot(owner.page, "client-subscription");
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);

    await tabs.getByRole("link", { name: "Facturation électronique" }).click();
    await owner.page.getByText("Désignation de la Plateforme Agréée").waitFor();
    // The e2e server sets no platform SIREN nor registration number: the mandate says so first.
    await owner.page.getByTestId("mandate-incomplete").getByText("SIREN de l'opérateur de la plateforme", { exact: false }).waitFor();
    await owner.page.getByTestId("einvoicing-status").getByText("Inscrit").waitFor();
    await owner.page.getByText("Inscrit à l'annuaire", { exact: true }).waitFor();
    const [mandate] = await Promise.all([
      owner.page.waitForEvent("download"),
      owner.page.getByRole("button", { name: "Télécharger le modèle de mandat (PDF)" }).click(),
    ]);
    expect(mandate.suggestedFilename()).toBe(`mandat-facturation-electronique-${BAKERY.siren}.pdf`);
    await screenshot(owner.page, "client-einvoicing");
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
    // Deregistration, after a confirmation; then the activation (certification) is offered again.
    await owner.page.getByRole("button", { name: "Désinscrire" }).click();
    const confirm = owner.page.getByRole("dialog", { name: "Désinscrire ce client ?" });
    await confirm.getByRole("button", { name: "Désinscrire" }).click();
    await owner.page.getByText("Désinscription demandée").waitFor();
    // The worker ends the directory line; the activation (with its certification) is offered again.
    await owner.page.getByTestId("einvoicing-status").getByText("Désinscrit").waitFor({ timeout: 30_000 });
    await owner.page.getByRole("heading", { name: "Activer la facturation électronique" }).waitFor();
    await owner.page.getByText("Désinscrit de l'annuaire").waitFor();

    await tabs.getByRole("link", { name: "Flux" }).click();
    await owner.page.getByRole("heading", { level: 2, name: "Flux de facturation électronique" }).waitFor();
    await owner.page.getByText("Aucun flux pour l'instant.").waitFor();
    await tabs.getByRole("link", { name: "Historique" }).click();
    await owner.page.getByText("Client ajouté").waitFor();
    await owner.page.getByText("Contact du client modifié").first().waitFor();
    await owner.page.getByText("Abonnement modifié").waitFor();
    expect(await seriousAccessibilityViolations(owner.page)).toEqual([]);
  });
});

function counted(outcome: string): number {
  return EXPECTED.filter((row) => row.outcome === outcome).length;
}
