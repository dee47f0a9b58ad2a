import { createContext, useContext, type ReactNode } from "react";
import type { components } from "@/api/schema";

/**
 * A permission as the API names it, read from the generated contract (`npm run generate`): the
 * one list is the API's permission table, so a misspelt or retired permission fails
 * `npm run typecheck` instead of silently hiding a screen.
 */
export type Permission = components["schemas"]["Permission"];

/** What an API key may be granted, from the same contract. */
export type Scope = components["schemas"]["Scope"];

/**
 * What the signed-in user may do, as the `permissions` list `GET /api/v1/me` returns. The API
 * decides (deny by default); the SPA only hides what would be refused, so a screen or an action
 * a role may not use is never shown.
 */
export type Permissions = ReadonlySet<Permission>;

export const NO_PERMISSIONS: Permissions = new Set<Permission>();

export function permissionsFrom(list: readonly Permission[]): Permissions {
  return new Set(list);
}

export function can(permissions: Permissions, permission: Permission): boolean {
  return permissions.has(permission);
}

const PermissionsContext = createContext<Permissions>(NO_PERMISSIONS);

export function PermissionsProvider({
  permissions,
  children,
}: {
  permissions: Permissions;
  children: ReactNode;
}) {
  return <PermissionsContext value={permissions}>{children}</PermissionsContext>;
}

export function usePermissions(): Permissions {
  return useContext(PermissionsContext);
}

/** `const can = useCan(); can("clients:manage") && <button>…</button>` */
export function useCan(): (permission: Permission) => boolean {
  const permissions = useContext(PermissionsContext);
  return (permission) => can(permissions, permission);
}
