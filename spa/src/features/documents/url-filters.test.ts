import { describe, expect, it } from "vitest";
import { DEFAULT_DOCUMENT_SORT, documentFiltersFromSearch, searchFromDocumentFilters } from "./url-filters";

describe("documents filters in the address", () => {
  it("round-trips every filter through the address", () => {
    const filters = {
      q: "facture",
      client_id: "0b8f6b1e-8a43-4d1c-9d3e-3c1f7f3c2a10",
      folder_id: "5a2c9d1e-8a43-4d1c-9d3e-3c1f7f3c2a10",
      type: "invoice" as const,
      date_from: "2026-01-01",
      date_to: "2026-03-31",
      sort: "-amount" as const,
    };
    const search = searchFromDocumentFilters(filters);
    expect(search.get("du")).toBe("2026-01-01");
    expect(documentFiltersFromSearch(search)).toEqual(filters);
  });

  it("ignores what is not a filter it knows, and keeps the default sort out of the address", () => {
    const filters = documentFiltersFromSearch(new URLSearchParams("type=contrat&du=hier&tri=nimporte"));
    expect(filters).toEqual({ sort: DEFAULT_DOCUMENT_SORT });
    expect(searchFromDocumentFilters(filters).toString()).toBe("");
  });
});
