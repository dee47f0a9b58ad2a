import { createContext, useContext, type ReactNode } from "react";

/**
 * What the signed-in user may do, as the `permissions: string[]` list `GET /api/v1/me` returns.
 * The API decides (deny by default); the SPA only hides what would be refused, so a screen or
 * an action a role may not use is never shown.
 */
export type Permissions = ReadonlySet<string>;

export const NO_PERMISSIONS: Permissions = new Set<string>();

export function permissionsFrom(list: readonly string[]): Permissions {
  return new Set(list);
}

export function can(permissions: Permissions, permission: string): boolean {
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
export function useCan(): (permission: string) => boolean {
  const permissions = useContext(PermissionsContext);
  return (permission) => can(permissions, permission);
}
