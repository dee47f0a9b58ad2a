import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { onSessionEnded } from "@/api/client";
import { ApiProblem } from "@/lib/problem";
import { loginPath } from "./RequireSession";
import { router } from "./router";

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx answer will not change by asking again (and a 404 is how the API says "not
        // yours"); only a dropped connection or a 5xx is worth a retry.
        retry: (failureCount, error) =>
          failureCount < 2 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
      },
    },
  });
}

export function AppProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);

  // The browser session is over (the refresh cookie expired or was revoked): go to the login
  // page first, then forget what this account had loaded, so no screen refetches in between.
  useEffect(
    () =>
      onSessionEnded(() => {
        const { pathname, search } = router.state.location;
        // The help centre is open to anyone: a reader without a session stays on the article.
        if (pathname === "/connexion" || pathname.startsWith("/aide")) return;
        void router.navigate(loginPath(pathname + search), { replace: true }).then(() => queryClient.clear());
      }),
    [queryClient],
  );

  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
