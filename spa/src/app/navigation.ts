import { can, type Permission, type Permissions } from "@/lib/permissions";
import { shellText } from "./text";

/** A firm's workspace, or a client company's own space (DESIGN.md glossary). */
export type WorkspaceKind = "firm" | "company";

export function workspaceKindOf(kind: string | null | undefined): WorkspaceKind {
  return kind === "company" ? "company" : "firm";
}

export interface NavigationItem {
  to: string;
  label: string;
  /** Shown only to users holding it; none means every signed-in user. */
  permission?: Permission;
  /** Shown only in this kind of workspace; none means in both. */
  workspace?: WorkspaceKind;
}

// The firm's screens never show in a company's space, whatever its user's roles elsewhere.
export const SIDE_NAVIGATION: readonly NavigationItem[] = [
  { to: "/clients", label: shellText.navigation.clients, permission: "clients:read", workspace: "firm" },
  {
    to: "/documents",
    label: shellText.navigation.documents,
    permission: "documents:read",
    workspace: "firm",
  },
  {
    to: "/documents",
    label: shellText.navigation.companyDocuments,
    permission: "documents:read",
    workspace: "company",
  },
  { to: "/factures/recues", label: shellText.navigation.receivedInvoices, permission: "documents:read" },
  { to: "/factures/emises", label: shellText.navigation.issuedInvoices, permission: "documents:read" },
  // Read-only for a Gestionnaire de clients (members:read); the actions need members:manage.
  { to: "/utilisateurs", label: shellText.navigation.members, permission: "members:read", workspace: "firm" },
  {
    to: "/extensions",
    label: shellText.navigation.extensions,
    permission: "extensions:manage",
    workspace: "firm",
  },
  { to: "/journal", label: shellText.navigation.audit, permission: "audit:read", workspace: "firm" },
  {
    to: "/mandats/verification",
    label: shellText.navigation.sealCheck,
    permission: "einvoicing:manage",
    workspace: "firm",
  },
  { to: "/statut", label: shellText.navigation.status },
];

// The workspace menu gathers the administration screens, as accounting products do.
export const WORKSPACE_MENU: readonly NavigationItem[] = [
  { to: "/utilisateurs", label: shellText.navigation.members, permission: "members:manage", workspace: "firm" },
  {
    to: "/extensions",
    label: shellText.navigation.extensions,
    permission: "extensions:manage",
    workspace: "firm",
  },
  { to: "/journal", label: shellText.navigation.audit, permission: "audit:read", workspace: "firm" },
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
