/** The little the tree needs of a folder (`FolderOut`). */
export interface FolderNode {
  id: string;
  parent_id: string | null;
  name: string;
}

export interface FolderRow<T extends FolderNode> {
  folder: T;
  depth: number;
}

const byName = new Intl.Collator("fr-FR", { sensitivity: "base", numeric: true });

/**
 * The API's flat list as the tree reads, depth first, siblings by name (fr-FR collation). A
 * folder whose parent is missing (deleted meanwhile) shows at the top rather than vanishing.
 */
export function folderRows<T extends FolderNode>(folders: readonly T[]): FolderRow<T>[] {
  const ids = new Set(folders.map((folder) => folder.id));
  const children = new Map<string | null, T[]>();
  for (const folder of folders) {
    const parent = folder.parent_id !== null && ids.has(folder.parent_id) ? folder.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), folder]);
  }
  const rows: FolderRow<T>[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const folder of [...(children.get(parent) ?? [])].sort((a, b) => byName.compare(a.name, b.name))) {
      rows.push({ folder, depth });
      visit(folder.id, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

/** The folder and everything under it: where it cannot be moved. */
export function folderAndDescendants(folders: readonly FolderNode[], folderId: string): Set<string> {
  const found = new Set([folderId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const folder of folders) {
      if (folder.parent_id !== null && found.has(folder.parent_id) && !found.has(folder.id)) {
        found.add(folder.id);
        grew = true;
      }
    }
  }
  return found;
}

/** `Contrats / 2026`: the folder's place, for pickers and headings. */
export function folderPath(folders: readonly FolderNode[], folderId: string): string {
  const byId = new Map(folders.map((folder) => [folder.id, folder]));
  const names: string[] = [];
  const seen = new Set<string>();
  let current = byId.get(folderId);
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    names.unshift(current.name);
    current = current.parent_id === null ? undefined : byId.get(current.parent_id);
  }
  return names.join(" / ");
}
