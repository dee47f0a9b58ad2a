import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { sessionsQueryKey } from "./list-sessions";

// Operation `me:revoke_session`.
export function revokeSession(sessionId: string) {
  return unwrap(
    api.DELETE("/api/v1/me/sessions/{session_id}", { params: { path: { session_id: sessionId } } }),
  );
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeSession,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsQueryKey }),
  });
}
