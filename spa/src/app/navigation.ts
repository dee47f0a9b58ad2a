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
  EINVOICING_MANAGE: "einvoicing:manage",
} as const;

/** A firm's workspace, or a client company's own space (DESIGN.md glossary). */
export type WorkspaceKind = "firm" | "company";

export function workspaceKindOf(kind: string | null | undefined): WorkspaceKind {
  return kind === "company" ? "company" : "firm";
}

export interface NavigationItem {
  to: string;
  label: string;
  /** Shown only to users holding it; none means every signed-in user. */
  permission?: string;
  /** Shown only in this kind of workspace; none means in both. */
  workspace?: WorkspaceKind;
}

// The firm's screens never show in a company's space, whatever its user's roles elsewhere.
export const SIDE_NAVIGATION: readonly NavigationItem[] = [
  { to: "/clients", label: shellText.navigation.clients, permission: Permission.CLIENTS_READ, workspace: "firm" },
  {
    to: "/documents",
    label: shellText.navigation.documents,
    permission: Permission.DOCUMENTS_READ,
    workspace: "firm",
  },
  {
    to: "/documents",
    label: shellText.navigation.companyDocuments,
    permission: Permission.DOCUMENTS_READ,
    workspace: "company",
  },
  // Read-only for a Gestionnaire de clients (members:read); the actions need members:manage.
  { to: "/utilisateurs", label: shellText.navigation.members, permission: Permission.MEMBERS_READ, workspace: "firm" },
  {
    to: "/extensions",
    label: shellText.navigation.extensions,
    permission: Permission.EXTENSIONS_MANAGE,
    workspace: "firm",
  },
  { to: "/journal", label: shellText.navigation.audit, permission: Permission.AUDIT_READ, workspace: "firm" },
  {
    to: "/mandats/verification",
    label: shellText.navigation.sealCheck,
    permission: Permission.EINVOICING_MANAGE,
    workspace: "firm",
  },
  { to: "/statut", label: shellText.navigation.status },
];

// The workspace menu gathers the administration screens, as accounting products do.
export const WORKSPACE_MENU: readonly NavigationItem[] = [
  { to: "/utilisateurs", label: shellText.navigation.members, permission: Permission.MEMBERS_MANAGE, workspace: "firm" },
  {
    to: "/extensions",
    label: shellText.navigation.extensions,
    permission: Permission.EXTENSIONS_MANAGE,
    workspace: "firm",
  },
  { to: "/journal", label: shellText.navigation.audit, permission: Permission.AUDIT_READ, workspace: "firm" },
];

/** The items this user may open in this kind of workspace, in menu order. */
export function visibleItems(
  items: readonly NavigationItem[],
  permissions: Permissions,
  workspace: WorkspaceKind = "firm",
): NavigationItem[] {
  return items.filter(
    (item) =>
      (item.workspace === undefined || item.workspace === workspace) &&
      (item.permission === undefined || can(permissions, item.permission)),
  );
}
