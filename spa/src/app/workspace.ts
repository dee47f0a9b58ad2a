import { createContext } from "react";
import type { WorkspaceKind } from "./navigation";

/** A workspace the user belongs to (a firm or a company), as `GET /api/v1/me` lists it. */
export interface WorkspaceChoice {
  id: string;
  name: string;
  kind: string;
  siren: string | null;
}

/** Who is signed in and where they work, from `GET /api/v1/me`. */
export interface CurrentWorkspace {
  id: string | null;
  name: string | null;
  /** A firm's workspace or a client company's own space; decides the screens shown. */
  kind: WorkspaceKind;
  userName: string | null;
  /** Every workspace the user may switch to; the switcher shows when there are several. */
  workspaces: readonly WorkspaceChoice[];
}

export const NO_WORKSPACE: CurrentWorkspace = { id: null, name: null, kind: "firm", userName: null, workspaces: [] };

export const WorkspaceContext = createContext<CurrentWorkspace>(NO_WORKSPACE);
