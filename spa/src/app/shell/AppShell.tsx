import { useContext, useId, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useLogout } from "@/features/auth";
import { ApiStatusBadge } from "@/features/health";
import { HelpLauncher } from "@/features/help";
import { usePermissions } from "@/lib/permissions";
import { SIDE_NAVIGATION, visibleItems, WORKSPACE_MENU } from "../navigation";
import { WorkspaceContext } from "../workspace";
import { shellText } from "../text";
import { WorkspaceMenu } from "./WorkspaceMenu";
import { WorkspaceSwitcher } from "./WorkspaceSwitcher";

/** Header, side navigation and the page: the frame every workspace screen renders in. */
export function AppShell() {
  const permissions = usePermissions();
  const workspace = useContext(WorkspaceContext);
  const navigationId = useId();
  const { pathname } = useLocation();
  // On a phone the navigation is a drawer, open only on the page where it was opened: following
  // one of its links closes it, and so does going back in history.
  const [navigationOpenedOn, setNavigationOpenedOn] = useState<string | null>(null);
  const navigationOpen = navigationOpenedOn === pathname;
  const navigate = useNavigate();
  const logout = useLogout(() => void navigate("/connexion", { replace: true }));

  return (
    <div className="shell">
      <a className="skip-link" href="#contenu">
        {shellText.skipToContent}
      </a>
      <header className="shell__header">
        <button
          type="button"
          className="shell__navigation-toggle"
          aria-expanded={navigationOpen}
          aria-controls={navigationId}
          aria-label={navigationOpen ? shellText.closeNavigation : shellText.openNavigation}
          onClick={() => setNavigationOpenedOn(navigationOpen ? null : pathname)}
        >
          {/* A phone's header has room for one short word; the name says what it does. */}
          {shellText.navigationToggle}
        </button>
        <Link to="/" className="shell__product">
          {shellText.productName}
        </Link>
        {workspace.workspaces.length > 1 ? (
          <WorkspaceSwitcher workspace={workspace} />
        ) : (
          <span className="shell__workspace" data-testid="workspace-name">
            {workspace.name ?? shellText.defaultWorkspaceName}
          </span>
        )}
        {workspace.kind === "company" ? (
          <span className="shell__workspace-kind" data-testid="workspace-kind">
            {shellText.companyWorkspace}
          </span>
        ) : (
          <WorkspaceMenu items={visibleItems(WORKSPACE_MENU, permissions)} />
        )}
        <span className="shell__spacer" />
        <ApiStatusBadge />
        <nav className="shell__user" aria-label={shellText.userMenu}>
          {workspace.userName && <span className="shell__user-name">{workspace.userName}</span>}
          <NavLink to="/compte">{shellText.account}</NavLink>
          <button
            type="button"
            className="button button--small"
            disabled={logout.isPending}
            onClick={() => logout.mutate()}
          >
            {shellText.logout}
          </button>
        </nav>
      </header>
      <nav
        id={navigationId}
        className="shell__navigation"
        data-open={navigationOpen}
        aria-label={shellText.mainNavigation}
      >
        <ul>
          {visibleItems(SIDE_NAVIGATION, permissions, workspace.kind).map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} onClick={() => setNavigationOpenedOn(null)}>
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="contenu" className="shell__main" tabIndex={-1}>
        <Outlet />
      </main>
      <HelpLauncher signedIn />
    </div>
  );
}
