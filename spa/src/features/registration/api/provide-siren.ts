import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { registrationQueryKey } from "./get-registration";

// Operation `registration:set_siren`: when the SSO gave none; answers the new state.
export function provideSiren({ secret, siren }: { secret: string; siren: string }) {
  return unwrap(api.PUT("/api/v1/registration/siren", { body: { secret, siren } }));
}

export function useProvideSiren() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: provideSiren,
    onSuccess: (registration, { secret }) => queryClient.setQueryData(registrationQueryKey(secret), registration),
  });
}
