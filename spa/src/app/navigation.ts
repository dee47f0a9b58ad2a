import { can, type Permissions } from "@/lib/permissions";
import { shellText } from "./text";

/**
 * Permission names as `GET /api/v1/me` lists them. They mirror the API's permission table
 * (issue 5); keep the two in step when that table lands.
 */
export const Permission = {
  CLIENTS_READ: "clients:read",
  DOCUMENTS_READ: "documents:read",
  MEMBERS_READ: "members:read",
  MEMBERS_MANAGE: "members:manage",
  EXTENSIONS_MANAGE: "extensions:manage",
  AUDIT_READ: "audit:read",
} as const;

export interface NavigationItem {
  to: string;
  label: string;
  /** Shown only to users holding it; none means every signed-in user. */
  permission?: string;
}

export const SIDE_NAVIGATION: readonly NavigationItem[] = [
  { to: "/clients", label: shellText.navigation.clients, permission: Permission.CLIENTS_READ },
  { to: "/documents", label: shellText.navigation.documents, permission: Permission.DOCUMENTS_READ },
  // Read-only for a Gestionnaire de clients (members:read); the actions need members:manage.
  { to: "/utilisateurs", label: shellText.navigation.members, permission: Permission.MEMBERS_READ },
  { to: "/extensions", label: shellText.navigation.extensions, permission: Permission.EXTENSIONS_MANAGE },
  { to: "/journal", label: shellText.navigation.audit, permission: Permission.AUDIT_READ },
  { to: "/statut", label: shellText.navigation.status },
];

// The workspace menu gathers the administration screens, as accounting products do.
export const WORKSPACE_MENU: readonly NavigationItem[] = [
  { to: "/utilisateurs", label: shellText.navigation.members, permission: Permission.MEMBERS_MANAGE },
  { to: "/extensions", label: shellText.navigation.extensions, permission: Permission.EXTENSIONS_MANAGE },
  { to: "/journal", label: shellText.navigation.audit, permission: Permission.AUDIT_READ },
];

/** The items this user may open, in menu order. */
export function visibleItems(
  items: readonly NavigationItem[],
  permissions: Permissions,
): NavigationItem[] {
  return items.filter((item) => item.permission === undefined || can(permissions, item.permission));
}
