import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { einvoicingQueryKey } from "./einvoicing";
import { clientsQueryKey } from "@/api/query-keys";

export type ActivationIn = components["schemas"]["ActivationIn"];

// Operation `einvoicing:activate`: the certified mandate; the directory registration follows.
export function activateEinvoicing({ clientId, body }: { clientId: string; body: ActivationIn }) {
  return unwrap(
    api.POST("/api/v1/clients/{client_id}/einvoicing/activation", {
      params: { path: { client_id: clientId } },
      body,
    }),
  );
}

// Operation `einvoicing:deregister`: ends the registration (today when no date is given).
export function deregisterEinvoicing({ clientId }: { clientId: string }) {
  return unwrap(
    api.POST("/api/v1/clients/{client_id}/einvoicing/deregistration", {
      params: { path: { client_id: clientId } },
      body: {},
    }),
  );
}

function useEinvoicingMutation<T extends { clientId: string }>(
  mutationFn: (input: T) => Promise<components["schemas"]["EinvoicingState"]>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (state, { clientId }) => {
      queryClient.setQueryData(einvoicingQueryKey(clientId), state);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: einvoicingQueryKey(clientId) }),
        queryClient.invalidateQueries({ queryKey: clientsQueryKey }),
      ]);
    },
  });
}

export const useActivateEinvoicing = () => useEinvoicingMutation(activateEinvoicing);
export const useDeregisterEinvoicing = () => useEinvoicingMutation(deregisterEinvoicing);
