import { describe, expect, it } from "vitest";
import { NO_PERMISSIONS, permissionsFrom } from "@/lib/permissions";
import { SIDE_NAVIGATION, visibleItems, WORKSPACE_MENU } from "./navigation";

const labels = (items: { label: string }[]) => items.map((item) => item.label);

describe("navigation by permission", () => {
  it("shows a Gestionnaire de clients the clients but no documents", () => {
    const gestionnaire = permissionsFrom(["clients:read"]);

    expect(labels(visibleItems(SIDE_NAVIGATION, gestionnaire))).toEqual([
      "Clients",
      "État du service",
    ]);
    expect(visibleItems(WORKSPACE_MENU, gestionnaire)).toEqual([]);
  });

  it("shows an Administrateur the users, extensions and audit log", () => {
    const administrateur = permissionsFrom([
      "members:manage",
      "extensions:manage",
      "audit:read",
    ]);

    expect(labels(visibleItems(WORKSPACE_MENU, administrateur))).toEqual([
      "Utilisateurs",
      "Extensions",
      "Journal d'audit",
    ]);
    expect(labels(visibleItems(SIDE_NAVIGATION, administrateur))).not.toContain(
      "Documents clients",
    );
  });

  it("lets a Gestionnaire de clients read the users, outside the administration menu", () => {
    const gestionnaire = permissionsFrom(["clients:read", "members:read"]);

    expect(labels(visibleItems(SIDE_NAVIGATION, gestionnaire))).toEqual([
      "Clients",
      "Utilisateurs",
      "État du service",
    ]);
    expect(visibleItems(WORKSPACE_MENU, gestionnaire)).toEqual([]);
  });

  it("denies by default: no permission, only the status page", () => {
    expect(labels(visibleItems(SIDE_NAVIGATION, NO_PERMISSIONS))).toEqual(["État du service"]);
  });

  it("shows a client company's user its documents and none of the firm's screens", () => {
    const companyUser = permissionsFrom(["documents:read", "documents:write"]);

    expect(labels(visibleItems(SIDE_NAVIGATION, companyUser, "company"))).toEqual(["Documents", "Factures reçues", "Factures émises", "État du service"]);
    expect(visibleItems(WORKSPACE_MENU, companyUser, "company")).toEqual([]);
  });

  it("keeps the firm's screens out of a company's space even for the firm's owner", () => {
    const owner = permissionsFrom([
      "workspace:manage",
      "members:read",
      "members:manage",
      "extensions:manage",
      "audit:read",
      "clients:read",
      "clients:all",
      "clients:manage",
      "einvoicing:manage",
      "documents:read",
      "documents:write",
      "documents:all_clients",
    ]);

    expect(labels(visibleItems(SIDE_NAVIGATION, owner, "company"))).toEqual(["Documents", "Factures reçues", "Factures émises", "État du service"]);
    expect(labels(visibleItems(SIDE_NAVIGATION, owner, "firm"))).not.toContain("Documents");
  });
});
