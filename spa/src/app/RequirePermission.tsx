import { useContext, type ReactElement } from "react";
import { useCan } from "@/lib/permissions";
import type { WorkspaceKind } from "./navigation";
import { NotFoundPage } from "./NotFoundPage";
import { WorkspaceContext } from "./workspace";

/**
 * A screen this user's roles may not open answers « Page introuvable », as the API answers 404
 * rather than 403: typing the address reveals nothing more than the navigation does. So does a
 * firm's screen opened from a company's space (`workspace`).
 */
export function RequirePermission({
  permission,
  workspace,
  element,
}: {
  permission: string;
  workspace?: WorkspaceKind;
  element: ReactElement;
}) {
  const can = useCan();
  const current = useContext(WorkspaceContext);
  const allowed = can(permission) && (workspace === undefined || workspace === current.kind);
  return allowed ? element : <NotFoundPage />;
}
