import { describe, expect, it } from "vitest";
import { workspaceLabels } from "./workspace-label";

describe("workspace labels", () => {
  it("keeps a unique name as it is", () => {
    const labels = workspaceLabels([
      { id: "a", name: "Cabinet Martin", kind: "firm" },
      { id: "b", name: "Boulangerie Dupont", kind: "company" },
    ]);
    expect([...labels.values()]).toEqual(["Cabinet Martin", "Boulangerie Dupont"]);
  });

  it("tells a firm from its own company space by their kind", () => {
    const labels = workspaceLabels([
      { id: "a", name: "Cabinet Martin", kind: "firm" },
      { id: "b", name: "Cabinet Martin", kind: "company" },
    ]);
    expect(labels.get("a")).toBe("Cabinet Martin — cabinet");
    expect(labels.get("b")).toBe("Cabinet Martin — espace entreprise");
  });

  it("adds the SIREN when two of the same kind share a name", () => {
    const labels = workspaceLabels([
      { id: "a", name: "Cabinet Martin", kind: "firm", siren: "123456782" },
      { id: "b", name: "Cabinet Martin", kind: "firm", siren: "987654321" },
    ]);
    expect(new Set(labels.values()).size).toBe(2);
    expect(labels.get("b")).toBe("Cabinet Martin — cabinet (SIREN 987654321)");
  });
});
