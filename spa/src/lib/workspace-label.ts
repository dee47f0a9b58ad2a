/** A workspace as `GET /me` lists it. */
export interface NamedWorkspace {
  id: string;
  name: string;
  kind: string;
  siren?: string | null | undefined;
}

const KINDS: Record<string, string> = { firm: "cabinet", company: "espace entreprise" };

/**
 * What tells workspaces apart in a switcher: the name alone while it is unique; a firm and its
 * own company space bear the same name, so then the kind follows (« Cabinet Martin — cabinet »,
 * « Cabinet Martin — espace entreprise »), and the SIREN if two of the same kind still collide.
 */
export function workspaceLabels(workspaces: readonly NamedWorkspace[]): Map<string, string> {
  const count = (key: (workspace: NamedWorkspace) => string) => {
    const counts = new Map<string, number>();
    for (const workspace of workspaces) counts.set(key(workspace), (counts.get(key(workspace)) ?? 0) + 1);
    return counts;
  };
  const byName = count((workspace) => workspace.name);
  const byNameAndKind = count((workspace) => `${workspace.name}\u0000${workspace.kind}`);
  const labels = new Map<string, string>();
  for (const workspace of workspaces) {
    let label = workspace.name;
    if ((byName.get(workspace.name) ?? 0) > 1) {
      label += ` — ${KINDS[workspace.kind] ?? workspace.kind}`;
      if ((byNameAndKind.get(`${workspace.name}\u0000${workspace.kind}`) ?? 0) > 1 && workspace.siren) {
        label += ` (SIREN ${workspace.siren})`;
      }
    }
    labels.set(workspace.id, label);
  }
  return labels;
}
