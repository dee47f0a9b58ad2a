import { describe, expect, it } from "vitest";
import {
  filtersFromSearch,
  hasFilters,
  nextSort,
  normaliseQuery,
  searchFromFilters,
  sortDirection,
} from "./list-filters";

describe("client list filters in the address", () => {
  it("round-trips every filter", () => {
    const search = new URLSearchParams(
      "q=garage&statut=invited&pa=pending&collaborateur=u1&formule=none&tri=-created_at",
    );
    const filters = filtersFromSearch(search);

    expect(filters).toEqual({
      q: "garage",
      status: "invited",
      pa_status: "pending",
      assignee: "u1",
      plan: "none",
      sort: "-created_at",
    });
    expect(searchFromFilters(filters).toString()).toBe(search.toString());
  });

  it("round-trips the mandate funnel stage, and ignores an unknown one", () => {
    const filters = filtersFromSearch(new URLSearchParams("mandat=opened"));
    expect(filters.mandate_stage).toBe("opened");
    expect(hasFilters(filters)).toBe(true);
    expect(searchFromFilters(filters).toString()).toBe("mandat=opened");
    expect(filtersFromSearch(new URLSearchParams("mandat=perdu")).mandate_stage).toBeUndefined();
  });

  it("ignores values the API would refuse, and keeps the default sort out of the address", () => {
    const filters = filtersFromSearch(new URLSearchParams("statut=closed&pa=x&tri=city&q=%20%20"));

    expect(filters).toEqual({ sort: "name" });
    expect(hasFilters(filters)).toBe(false);
    expect(searchFromFilters(filters).toString()).toBe("");
  });

  it("sorts ascending first, then descending", () => {
    expect(nextSort("name", "siren")).toBe("siren");
    expect(nextSort("siren", "siren")).toBe("-siren");
    expect(nextSort("-siren", "siren")).toBe("siren");
    expect(sortDirection("-created_at", "created_at")).toBe("descending");
    expect(sortDirection("name", "created_at")).toBe("none");
  });

  it("reads a SIREN typed with spaces as digits", () => {
    expect(normaliseQuery(" 356 000 000 ")).toBe("356000000");
    expect(normaliseQuery(" La Poste ")).toBe("La Poste");
  });
});
