import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { allPages, pageQuery } from "@/api/pages";
import type { components } from "@/api/schema";

export type Plan = components["schemas"]["PlanOut"];

// Operation `clients:list_plans`: the firm's configured catalogue; it changes with a restart.
export function listPlans(signal?: AbortSignal) {
  return allPages((cursor) =>
    unwrap(api.GET("/api/v1/clients/plans", { params: { query: pageQuery(cursor) }, signal: signal ?? null })),
  );
}

export function usePlans() {
  return useQuery({
    queryKey: ["clients", "plans"],
    queryFn: ({ signal }) => listPlans(signal),
    staleTime: Infinity,
  });
}
