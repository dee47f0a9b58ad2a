import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";

// Operation `auth:logout`: ends this session and clears the cookies.
export function logout() {
  return unwrap(api.POST("/api/v1/auth/logout"));
}

/** Signs out, forgets every cached answer of this user, then calls `onDone`. */
export function useLogout(onDone: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // Even if the server could not be told (offline, session already over), this browser
    // stops showing the account.
    onSettled: () => {
      queryClient.clear();
      onDone();
    },
  });
}
