import { describe, expect, it } from "vitest";
import { targetOf } from "./components/AuditPage";

describe("the journal's « Objet »", () => {
  it("describes a document by its type and size, never by a bare id", () => {
    const label = targetOf({ target_type: "document", data: { type: "invoice", size: 12_800, sha256: "ee7bf766aa" } });
    expect(label).toBe("Document · facture, 12,5 Ko");
    expect(label).not.toMatch(/[0-9a-f]{8}/);
  });

  it("prefers the name or e-mail the event carries", () => {
    expect(targetOf({ target_type: "member", data: { email: "lea@cabinet.example" } })).toBe(
      "Utilisateur · lea@cabinet.example",
    );
  });

  it("names an object of an unknown kind in French", () => {
    expect(targetOf({ target_type: "flow", data: {} })).toBe("Autre objet");
  });
});
