import { useContext } from "react";
import { Link } from "react-router";
import { ReadinessDashboard } from "@/features/mandates";
import { can, usePermissions } from "@/lib/permissions";
import { SIDE_NAVIGATION, visibleItems } from "./navigation";
import { shellText } from "./text";
import { WorkspaceContext } from "./workspace";

/** Where signing in lands: for the firm's people who run the mandates, the readiness
 * dashboard; for everyone else, the workspace's name and the screens their roles open. */
export function HomePage() {
  const workspace = useContext(WorkspaceContext);
  const permissions = usePermissions();
  const items = visibleItems(SIDE_NAVIGATION, permissions, workspace.kind);
  if (workspace.kind === "firm" && can(permissions, "einvoicing:manage")) {
    return (
      <>
        <h1>{workspace.name ?? shellText.defaultWorkspaceName}</h1>
        <ReadinessDashboard />
      </>
    );
  }
  return (
    <>
      <h1>{workspace.name ?? shellText.defaultWorkspaceName}</h1>
      {workspace.kind === "company" && <p className="muted">{shellText.companyWorkspace}</p>}
      {workspace.userName && <p className="lead">{shellText.welcome(workspace.userName)}</p>}
      <nav aria-label={shellText.shortcuts}>
        <ul className="shortcuts">
          {items.map((item) => (
            <li key={item.to}>
              <Link className="card shortcuts__item" to={item.to}>
                {item.label}
              </Link>
            </li>
          ))}
          <li>
            <Link className="card shortcuts__item" to="/compte">
              {shellText.account}
            </Link>
          </li>
        </ul>
      </nav>
    </>
  );
}
