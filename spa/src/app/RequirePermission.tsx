import { useContext, type ReactElement } from "react";
import { useCan, type Permission } from "@/lib/permissions";
import type { WorkspaceKind } from "./navigation";
import { AccessDeniedPage } from "./AccessDeniedPage";
import { WorkspaceContext } from "./workspace";

/**
 * A screen this user's roles may not open answers « Accès refusé », and so does a firm's screen
 * opened from a company's space (`workspace`): the SPA's screens are no secret, the data is, and
 * the API keeps answering 404 for it.
 */
export function RequirePermission({
  permission,
  workspace,
  element,
}: {
  permission: Permission;
  workspace?: WorkspaceKind;
  element: ReactElement;
}) {
  const can = useCan();
  const current = useContext(WorkspaceContext);
  const allowed = can(permission) && (workspace === undefined || workspace === current.kind);
  return allowed ? element : <AccessDeniedPage />;
}
