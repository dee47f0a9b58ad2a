import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

// Operation `invoices:invoice_catalogue`, read here for the statuses' French labels only: the
// flows' badge names every lifecycle status as the API does (one catalogue, no copy of it).
export function useStatusLabels() {
  return useQuery({
    queryKey: ["flows", "status-catalogue"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/invoices/catalogue", { signal })),
    select: (catalogue) => new Map(catalogue.statuses.map((status) => [status.code, status.label])),
    staleTime: Infinity,
  });
}
