import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Company = components["schemas"]["CompanyOut"];

// Operation `companies:search`: the registry by SIREN, SIRET or name (live, as the user types).
export function searchCompanies(q: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/companies/search", { params: { query: { q, limit: 10 } }, signal: signal ?? null }),
  );
}

export function useCompanySearch(q: string) {
  return useQuery({
    queryKey: ["companies", "search", q],
    queryFn: ({ signal }) => searchCompanies(q, signal),
    enabled: q !== "",
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}
