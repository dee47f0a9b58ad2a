import { createContext } from "react";

/** The workspace the user is working in (a firm or a company), as `GET /api/v1/me` says. */
export interface CurrentWorkspace {
  name: string | null;
}

export const NO_WORKSPACE: CurrentWorkspace = { name: null };

export const WorkspaceContext = createContext<CurrentWorkspace>(NO_WORKSPACE);
