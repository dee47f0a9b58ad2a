import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Member = components["schemas"]["MemberOut"];

// Operation `members:list_members`, for the pickers: the firm's active Comptables (needs
// `members:read`, which a Comptable does not hold; the screens only ask when allowed).
export function listAccountants(signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/members", {
      params: { query: { role: "accountant", status: "active", limit: 200 } },
      signal: signal ?? null,
    }),
  );
}

export function useAccountants(enabled: boolean) {
  return useQuery({
    queryKey: ["clients", "accountants"],
    queryFn: ({ signal }) => listAccountants(signal),
    select: (page) => page.items,
    enabled,
  });
}

export function memberName(member: Pick<Member, "first_name" | "last_name" | "email">): string {
  const name = `${member.first_name} ${member.last_name}`.trim();
  return name || member.email;
}
