import { describe, expect, it } from "vitest";
import { activationOutcome, realRefusals } from "./BulkActivation";

const id = "0b8f6b1e-8a43-4d1c-9d3e-3c1f7f3c2a10";

describe("bulk activation results", () => {
  it("counts an already registered client as done, not refused, so it leaves the selection", () => {
    const outcome = activationOutcome({ id, ok: false, outcome: "already_registered", error: "already_registered" });
    expect(outcome.ok).toBe(true);
    expect(outcome.note).toBe("Déjà inscrit à l'annuaire");
  });

  it("keeps a closed company as a failure to look at", () => {
    const outcome = activationOutcome({ id, ok: false, outcome: "company_closed", error: "company_closed", detail: "Entreprise fermée" });
    expect(outcome.ok).toBe(false);
  });

  it("reports as « Refusés d'emblée » only the real refusals", () => {
    expect(realRefusals({ already_registered: 3, already_pending: 1, company_closed: 2 })).toBe(2);
  });
});
