import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { api, onSessionEnded, unwrap } from "@/api/client";
import { ApiProblem } from "@/lib/problem";
import { browserWakeEvents, startConnectionRecovery } from "./connection-recovery";
import { loginPath } from "./RequireSession";
import { router } from "./router";

/** Whether a failed query is worth asking again at once (before the error shows). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (!(error instanceof ApiProblem)) return failureCount < 2;
  // A 4xx answer will not change by asking again (and a 404 is how the API says "not yours").
  if (!error.transient) return false;
  // A server that never answered already made the user wait: the recovery takes over.
  if (error.code === "timeout") return false;
  return failureCount < 3;
}

/** 1 s, 2 s, 4 s…, or what the server asked for (`Retry-After` of a 429 or 503), at most 30 s. */
export function retryDelay(attempt: number, error: unknown): number {
  if (error instanceof ApiProblem && error.retryAfterSeconds !== null) {
    return Math.min(error.retryAfterSeconds * 1_000, 30_000);
  }
  return Math.min(1_000 * 2 ** attempt, 8_000);
}

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetry, retryDelay },
    },
  });
}

export function AppProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);

  // The browser session is over (the refresh cookie expired or was revoked): go to the login
  // page first, with the reason, then forget what this account had loaded, so no screen
  // refetches in between.
  useEffect(
    () =>
      onSessionEnded((end) => {
        const { pathname, search } = router.state.location;
        // The help centre is open to anyone: a reader without a session stays on the article.
        if (pathname === "/connexion" || pathname.startsWith("/aide")) return;
        void router
          .navigate(loginPath(pathname + search, end === "ended"), { replace: true })
          .then(() => queryClient.clear());
      }),
    [queryClient],
  );

  // After a server outage every screen comes back by itself (connection-recovery.ts).
  useEffect(
    () =>
      startConnectionRecovery(queryClient, {
        probe: () => unwrap(api.GET("/api/v1/health")),
        setTimer: (callback, ms) => window.setTimeout(callback, ms),
        clearTimer: (timer) => window.clearTimeout(timer as number),
        onWake: browserWakeEvents,
      }),
    [queryClient],
  );

  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
