import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Registration = components["schemas"]["RegistrationOut"];

// Operation `registration:get_registration` (the secret in the body, never in a URL).
// docs/registration.md: poll every 2-3 s while the
// owner is busy with the app, so the page moves from the QR to "continue in the app" by itself.
export const registrationQueryKey = (secret: string) => ["registration", secret] as const;
const POLL_MS = 2500;

export function getRegistration(secret: string, signal?: AbortSignal) {
  return unwrap(api.POST("/api/v1/registration/lookup", { body: { secret }, signal: signal ?? null }));
}

export function useRegistration(secret: string) {
  return useQuery({
    queryKey: registrationQueryKey(secret),
    queryFn: ({ signal }) => getRegistration(secret, signal),
    enabled: secret !== "",
    refetchInterval: (query) => (query.state.data?.status === "awaiting_identity" ? POLL_MS : false),
  });
}
