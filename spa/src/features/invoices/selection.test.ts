import { describe, expect, it } from "vitest";
import type { InvoiceCatalogue } from "./api/invoices";
import { bulkCounts, commonActions, isFinal, parseStatuses } from "./selection";

const catalogue: InvoiceCatalogue = {
  statuses: [
    { code: 205, label: "Approuvée", side: "buyer", final: false },
    { code: 210, label: "Refusée", side: "buyer", final: true },
  ],
  actions: [
    { action: "approve", status: 205, label: "Approuvée", side: "buyer", reason_required: false, reasons: [] },
    { action: "refuse", status: 210, label: "Refusée", side: "buyer", reason_required: true, reasons: [] },
  ],
};

describe("bulk actions on invoices", () => {
  it("offers only the actions every selected invoice allows", () => {
    expect(
      commonActions([
        { actions: ["take_charge", "approve", "refuse"] },
        { actions: ["approve", "refuse", "dispute"] },
      ]),
    ).toEqual(["approve", "refuse"]);
    expect(commonActions([{ actions: ["approve"] }, { actions: [] }])).toEqual([]);
    expect(commonActions([])).toEqual([]);
  });

  it("confirms in red what the catalogue says is final", () => {
    expect(isFinal("refuse", catalogue)).toBe(true);
    expect(isFinal("approve", catalogue)).toBe(false);
    // Before the catalogue arrives, refusing and cancelling are final.
    expect(isFinal("cancel", undefined)).toBe(true);
  });

  it("counts one result per invoice", () => {
    expect(
      bulkCounts([
        { id: "a", ok: true, status: 205, error: null },
        { id: "b", ok: false, status: 210, error: { code: "lifecycle-invoice-closed", title: "Facture close", detail: null } },
      ]),
    ).toEqual({ ok: 1, failed: 1 });
  });
});

describe("the status filter in the address", () => {
  it("reads codes, ignores the rest and repeats", () => {
    expect(parseStatuses("205,210, 0")).toEqual([205, 210, 0]);
    expect(parseStatuses("abc,205,205,-1,1000")).toEqual([205]);
    expect(parseStatuses(null)).toEqual([]);
  });
});
