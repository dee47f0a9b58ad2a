import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { clientQueryKey } from "./get-client";
import { clientsQueryKey } from "@/api/query-keys";

interface AssignmentKey {
  clientId: string;
  userId: string;
}

// Operation `clients:assign` (idempotent).
export function assign({ clientId, userId }: AssignmentKey) {
  return unwrap(
    api.PUT("/api/v1/clients/{client_id}/assignments/{user_id}", {
      params: { path: { client_id: clientId, user_id: userId } },
    }),
  );
}

// Operation `clients:unassign`.
export function unassign({ clientId, userId }: AssignmentKey) {
  return unwrap(
    api.DELETE("/api/v1/clients/{client_id}/assignments/{user_id}", {
      params: { path: { client_id: clientId, user_id: userId } },
    }),
  );
}

function useAssignmentMutation(mutationFn: (key: AssignmentKey) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (_data, { clientId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: clientQueryKey(clientId) }),
        // The « collaborateur affecté » filter reads assignments.
        queryClient.invalidateQueries({ queryKey: [...clientsQueryKey, "list"] }),
      ]),
  });
}

export const useAssign = () => useAssignmentMutation(assign);
export const useUnassign = () => useAssignmentMutation(unassign);
