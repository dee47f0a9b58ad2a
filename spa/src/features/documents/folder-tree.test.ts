import { describe, expect, it } from "vitest";
import { folderAndDescendants, folderPath, folderRows } from "./folder-tree";

const folders = [
  { id: "b", parent_id: null, name: "Banque" },
  { id: "c2026", parent_id: "c", name: "2026" },
  { id: "c", parent_id: null, name: "Contrats" },
  { id: "c2025", parent_id: "c", name: "2025" },
  { id: "avenants", parent_id: "c2026", name: "Avenants" },
  { id: "orphan", parent_id: "gone", name: "Archives" },
];

describe("the folder tree", () => {
  it("lists depth first, siblings by French name order, orphans at the top", () => {
    expect(folderRows(folders).map(({ folder, depth }) => `${depth}:${folder.name}`)).toEqual([
      "0:Archives",
      "0:Banque",
      "0:Contrats",
      "1:2025",
      "1:2026",
      "2:Avenants",
    ]);
  });

  it("knows where a folder cannot move: itself and everything under it", () => {
    expect([...folderAndDescendants(folders, "c")].sort()).toEqual(["avenants", "c", "c2025", "c2026"]);
    expect([...folderAndDescendants(folders, "b")]).toEqual(["b"]);
  });

  it("names a folder by its path", () => {
    expect(folderPath(folders, "avenants")).toBe("Contrats / 2026 / Avenants");
    expect(folderPath(folders, "unknown")).toBe("");
  });
});
