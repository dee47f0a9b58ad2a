import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { api, onSessionEnded, unwrap } from "@/api/client";
import { browserWakeEvents, startConnectionRecovery } from "./connection-recovery";
import { retryDelay, shouldRetry } from "./query-retry";
import { loginPath } from "./RequireSession";
import { router } from "./router";

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
