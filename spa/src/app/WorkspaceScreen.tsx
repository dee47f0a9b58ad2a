import { useContext, type ReactElement } from "react";
import { WorkspaceContext } from "./workspace";

/** One address, two screens: the firm's, or the client company's own. */
export function WorkspaceScreen({ firm, company }: { firm: ReactElement; company: ReactElement }) {
  return useContext(WorkspaceContext).kind === "company" ? company : firm;
}
