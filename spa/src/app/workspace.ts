import { createContext } from "react";

/** A workspace the user belongs to (a firm or a company), as `GET /api/v1/me` lists it. */
export interface WorkspaceChoice {
  id: string;
  name: string;
  kind: string;
}

/** Who is signed in and where they work, from `GET /api/v1/me`. */
export interface CurrentWorkspace {
  id: string | null;
  name: string | null;
  userName: string | null;
  /** Every workspace the user may switch to; the switcher shows when there are several. */
  workspaces: readonly WorkspaceChoice[];
}

export const NO_WORKSPACE: CurrentWorkspace = { id: null, name: null, userName: null, workspaces: [] };

export const WorkspaceContext = createContext<CurrentWorkspace>(NO_WORKSPACE);
