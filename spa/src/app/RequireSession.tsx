import { Navigate, Outlet, useLocation } from "react-router";
import { lastSessionEnd } from "@/api/client";
import { ProblemMessage } from "@/components/ProblemMessage";
import { useMe, type Me } from "@/features/account";
import { permissionsFrom, PermissionsProvider } from "@/lib/permissions";
import { ApiProblem } from "@/lib/problem";
import { workspaceKindOf } from "./navigation";
import { shellText } from "./text";
import { WorkspaceContext, type CurrentWorkspace } from "./workspace";

/**
 * The login page, coming back to `returnTo` afterwards; `sessionEnded` makes it say why the user
 * is there (`?fin=session`: revoked from « Mon compte » or another device, or expired).
 */
export function loginPath(returnTo: string, sessionEnded = false): string {
  const search = new URLSearchParams();
  if (returnTo !== "/") search.set("retour", returnTo);
  if (sessionEnded) search.set("fin", "session");
  const query = search.toString();
  return query ? `/connexion?${query}` : "/connexion";
}

function workspaceOf(me: Me): CurrentWorkspace {
  return {
    id: me.workspace?.id ?? null,
    name: me.workspace?.name ?? null,
    kind: workspaceKindOf(me.workspace?.kind),
    userName: `${me.user.first_name} ${me.user.last_name}`,
    workspaces: me.workspaces.map(({ id, name, kind, siren }) => ({ id, name, kind, siren })),
  };
}

/**
 * The gate of every workspace screen: `GET /api/v1/me` says who is signed in (after one cookie
 * refresh if the access token had expired, see api/client.ts); anyone else goes to the login
 * page, which brings them back here afterwards.
 */
export function RequireSession() {
  const me = useMe();
  const { pathname, search } = useLocation();

  if (me.isPending) {
    return (
      <p className="page-loading" role="status">
        {shellText.loading}
      </p>
    );
  }
  if (me.error) {
    if (me.error instanceof ApiProblem && me.error.status === 401) {
      return <Navigate to={loginPath(pathname + search, lastSessionEnd() === "ended")} replace />;
    }
    return (
      <main className="page-error">
        <h1>{shellText.errorTitle}</h1>
        {me.error instanceof ApiProblem && <ProblemMessage problem={me.error} />}
        <button type="button" className="button" onClick={() => void me.refetch()}>
          {shellText.retry}
        </button>
      </main>
    );
  }
  return (
    <WorkspaceContext value={workspaceOf(me.data)}>
      <PermissionsProvider permissions={permissionsFrom(me.data.permissions)}>
        <Outlet />
      </PermissionsProvider>
    </WorkspaceContext>
  );
}
