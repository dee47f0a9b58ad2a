import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { NO_PERMISSIONS, PermissionsProvider } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import { NO_WORKSPACE, WorkspaceContext } from "./workspace";

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
  // The workspace and the permission list come from `GET /api/v1/me` once the login issue lands; until then
  // nobody is signed in and only the pages open to everyone are offered.
  return (
    <QueryClientProvider client={queryClient}>
      <WorkspaceContext value={NO_WORKSPACE}>
        <PermissionsProvider permissions={NO_PERMISSIONS}>{children}</PermissionsProvider>
      </WorkspaceContext>
    </QueryClientProvider>
  );
}
